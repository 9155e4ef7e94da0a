//! Configuration modes: global (`(config)#`), interface (`(config-if)#`,
//! `(config-subif)#`, `(config-if-range)#`) and line (`(config-line)#`).

use std::net::Ipv4Addr;

use super::tree::Arg;
use super::{arg, kw};
use super::{Cx, Handler, Tree, Value};
use crate::base::{IfaceKind, IfaceName, Model};
use crate::cli::Rejection;
use crate::device::ios::secret;
use crate::device::ios::{
    AddressError, AddressRole, BannerKind, Ios, IosIface, LineConfig, LineKind, Login, RouteError, Secret,
    StaticRouteSpec, User,
};
use crate::device::{Device, Mode, Role};

use crate::sim::hash_name;

fn router(m: Model) -> bool {
    m == Model::Router
}
fn switch(m: Model) -> bool {
    m.is_switch()
}
fn layer3(m: Model) -> bool {
    m != Model::Switch
}

fn exit_end() -> Tree {
    vec![kw("exit", "Exit from configure mode").plain(exit), kw("end", "Exit from configure mode").plain(end)]
}

pub fn global() -> Tree {
    vec![
        kw("hostname", "Set system's network name")
            .sub(vec![arg(Arg::Word, "This system's network name").plain(hostname)])
            .no(hostname),
        kw("interface", "Select an interface to configure").sub(vec![
            kw("range", "interface range command").sub(vec![arg(Arg::Rest, "Interface list").plain(interface_range)]),
            arg(Arg::Iface, "").plain(select_interface),
        ]),
        kw("ip", "Global IP configuration subcommands").sub(
            vec![
                kw("route", "Establish static routes").when(layer3).sub(vec![arg(Arg::Ipv4, "Destination prefix")
                    .sub(vec![arg(Arg::Ipv4, "Destination prefix mask").sub(route_targets())])]),
                kw("domain-name", "Define the default domain name")
                    .sub(vec![arg(Arg::Word, "Default domain name").run(domain_name)])
                    .no(domain_name),
                kw("domain", "IP DNS Resolver").sub(vec![
                    kw("name", "Define the default domain name")
                        .sub(vec![arg(Arg::Word, "Default domain name").run(domain_name)])
                        .no(domain_name),
                    kw("lookup", "Enable IP Domain Name System hostname translation").run(domain_lookup),
                ]),
                kw("domain-lookup", "Enable IP Domain Name System hostname translation").run(domain_lookup),
                kw("host", "Add an entry to the ip hostname table").sub(vec![arg(Arg::Word, "Name of host")
                    .no(ip_host)
                    .sub(vec![addresses(ip_host, "Host IP address")])]),
                kw("name-server", "Specify address of name server to use")
                    .no(name_server)
                    .sub(vec![addresses(name_server, "Domain server IP address (maximum of 6)")]),
                kw("default-gateway", "Specify default gateway (if not routing IP)")
                    .when(switch)
                    .sub(vec![arg(Arg::Ipv4, "IP address of default gateway").run(default_gateway)])
                    .no(default_gateway),
                kw("ssh", "Configure ssh options").sub(vec![
                    kw("version", "Specify protocol version to be supported")
                        .sub(vec![arg(Arg::Num(1, 2), "Protocol version").run(ssh_version)])
                        .no(ssh_version),
                    kw("time-out", "Specify SSH time-out interval")
                        .sub(vec![arg(Arg::Num(1, 120), "SSH time-out interval (secs)").run(ssh_timeout)])
                        .no(ssh_timeout),
                    kw("authentication-retries", "Specify number of authentication retries")
                        .sub(vec![arg(Arg::Num(0, 5), "Number of authentication retries").run(ssh_retries)])
                        .no(ssh_retries),
                ]),
                kw("classless", "Follow classless routing forwarding rules").run(setting),
                kw("cef", "Cisco Express Forwarding").run(setting),
                kw("subnet-zero", "Allow 'subnet zero' subnets").run(setting),
                kw("http", "HTTP server configuration").sub(vec![
                    kw("server", "Enable HTTP server").run(http_server),
                    kw("secure-server", "Enable HTTPS server").run(setting),
                ]),
                kw("forward-protocol", "Controls forwarding of physical and directed IP broadcasts").sub(vec![kw(
                    "nd",
                    "Sun's Network Disk protocol",
                )
                .run(setting)]),
                super::acl::ip_access_list(),
                super::routing::ip_routing(),
            ]
            .into_iter()
            .chain(super::services::ip_global())
            .collect(),
        ),
        kw("enable", "Modify enable password parameters").sub(vec![
            kw("secret", "Assign the privileged level secret").sub(secret_forms(enable_secret)).no(enable_secret),
            kw("password", "Assign the privileged level password")
                .sub(secret_forms(enable_password))
                .no(enable_password),
        ]),
        kw("service", "Modify use of network based services").sub(vec![
            kw("password-encryption", "Encrypt system passwords").run(password_encryption),
            kw("timestamps", "Timestamp debug/log messages")
                .run(timestamps)
                .sub(vec![arg(Arg::Rest, "").run(timestamps)]),
            kw("pad", "Enable PAD commands").run(setting),
            kw("dhcp", "Enable DHCP server and relay agent").run(service_dhcp),
        ]),
        kw("banner", "Define a login banner").sub(vec![
            kw("motd", "Set Message of the Day banner")
                .sub(vec![arg(Arg::Rest, "c  banner-text c, where 'c' is a delimiting character").plain(banner)])
                .no(banner),
            kw("login", "Set login banner")
                .sub(vec![arg(Arg::Rest, "c  banner-text c, where 'c' is a delimiting character").plain(banner)])
                .no(banner),
        ]),
        kw("aaa", "Authentication, Authorization and Accounting.").sub(vec![kw(
            "new-model",
            "Enable NEW access control commands and functions.",
        )
        .no(setting)]),
        kw("cdp", "Global CDP configuration subcommands").sub(vec![kw("run", "").run(cdp_run)]),
        kw("lldp", "Global LLDP configuration subcommands").sub(vec![kw("run", "Enable LLDP").run(lldp_run)]),
        kw("line", "Configure a terminal line").sub(vec![
            kw("console", "Primary terminal line")
                .sub(vec![arg(Arg::Num(0, 0), "First Line number").plain(line_console)]),
            kw("aux", "Auxiliary line")
                .when(router)
                .sub(vec![arg(Arg::Num(0, 0), "First Line number").plain(line_aux)]),
            kw("vty", "Virtual terminal").sub(vec![arg(Arg::Num(0, 15), "First Line number")
                .plain(line_vty)
                .sub(vec![arg(Arg::Num(0, 15), "Last Line number").plain(line_vty)])]),
        ]),
        kw("username", "Establish User Name Authentication").sub(vec![arg(Arg::Word, "User name").no(username).sub(
            vec![
                kw("privilege", "Set user privilege level").sub(vec![arg(Arg::Num(0, 15), "User privilege level")
                    .sub(vec![
                        kw("secret", "Specify the secret for the user").sub(secret_forms(username)),
                        kw("password", "Specify the password for the user").sub(secret_forms(username)),
                    ])]),
                kw("secret", "Specify the secret for the user").sub(secret_forms(username)),
                kw("password", "Specify the password for the user").sub(secret_forms(username)),
            ],
        )]),
        kw("crypto", "Encryption module").sub(vec![kw("key", "Long term key operations").sub(vec![kw(
            "generate",
            "Generate new keys",
        )
        .sub(vec![kw("rsa", "Generate RSA keys").plain(crypto_rsa).sub(vec![
            kw("general-keys", "Generate a general purpose RSA key pair for signing and encryption")
                .plain(crypto_rsa)
                .sub(vec![kw("modulus", "Provide number of modulus bits on the command line").sub(vec![arg(
                    Arg::Num(360, 4096),
                    "size of the key modulus [360-4096]",
                )
                .plain(crypto_rsa)])]),
            kw("modulus", "Provide number of modulus bits on the command line").sub(vec![arg(
                Arg::Num(360, 4096),
                "size of the key modulus [360-4096]",
            )
            .plain(crypto_rsa)]),
        ])])])]),
        kw("version", "Version").hidden().sub(vec![arg(Arg::Word, "").run(version_line)]),
        kw("boot-start-marker", "").hidden().run(boot_markers),
        kw("boot-end-marker", "").hidden().run(boot_markers),
        kw("end", "Exit from configure mode").plain(end),
        kw("exit", "Exit from configure mode").plain(exit),
    ]
    .into_iter()
    .chain(super::acl::global())
    .chain(super::routing::global())
    .chain([super::ipv6::global()])
    .chain(super::switching::global())
    .chain([super::switching::errdisable()])
    .collect()
}

/// `version 15.4` in a saved configuration: IOS reads it and keeps its own
/// version, which its running-config shows (here the model's).
fn version_line(_: &mut Cx) {}

/// `boot-start-marker` / `boot-end-marker` (around `boot system` lines, which
/// this model has none of): kept, and shown, as a router's configuration has them.
fn boot_markers(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().system.settings.boot_markers = on;
}

/// A global setting IOS stores and shows (see `System::settings`), by the
/// keyword that names it.
fn setting(cx: &mut Cx) {
    let on = !cx.negated;
    let word =
        ["classless", "cef", "subnet-zero", "secure-server", "nd", "pad", "new-model"].into_iter().find(|w| cx.has(w));
    let s = &mut cx.ios().system.settings;
    match word {
        Some("classless") => s.classless = on,
        Some("cef") => s.cef = on,
        Some("subnet-zero") => s.subnet_zero = on,
        Some("secure-server") => s.http_secure = on,
        Some("nd") => s.forward_nd = on,
        Some("pad") => s.pad = Some(on),
        Some("new-model") => s.no_aaa = !on,
        _ => {}
    }
}

/// `service timestamps [debug|log ...]`: kept as typed, one per kind.
fn timestamps(cx: &mut Cx) {
    let words = cx.rest().unwrap_or("").split_whitespace().collect::<Vec<_>>().join(" ");
    let kind = words.split_whitespace().next().unwrap_or("").to_string();
    let negated = cx.negated;
    let s = &mut cx.ios().system.settings;
    s.timestamps.retain(|t| kind.is_empty() || t.split_whitespace().next() != Some(kind.as_str()));
    if !negated {
        s.timestamps.push(if words.is_empty() { "debug uptime".into() } else { words });
        s.timestamps.sort();
    }
}

/// `[no] ip redirects | ip unreachables | negotiation auto | mdix auto` on interfaces.
fn iface_setting(cx: &mut Cx) {
    let off = cx.negated;
    let word = ["redirects", "unreachables", "negotiation", "mdix"].into_iter().find(|w| cx.has(w));
    for name in selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        match word {
            Some("redirects") => i.no_redirects = off,
            Some("unreachables") => i.no_unreachables = off,
            Some("negotiation") => i.no_negotiation = off,
            Some("mdix") => i.no_mdix = off,
            _ => {}
        }
    }
}

/// `history size N` on a line.
fn history_size(cx: &mut Cx) {
    let n = if cx.negated { None } else { cx.num(0) };
    each_line(cx, |l| l.history_size = n);
}

fn stopbits(cx: &mut Cx) {
    let n = if cx.negated { None } else { cx.num(0) };
    each_line(cx, |l| l.stopbits = n);
}

/// Up to eight addresses in a row, each ending a valid command.
fn addresses(h: Handler, help: &'static str) -> super::tree::Node<Handler> {
    let mut n = arg(Arg::Ipv4, help).run(h);
    for _ in 0..7 {
        n = arg(Arg::Ipv4, help).run(h).sub(vec![n]);
    }
    n
}

/// `ip host NAME ADDRESS...` / `no ip host NAME`: the static host table.
fn ip_host(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    let addrs: Vec<Ipv4Addr> = (0..8).map_while(|i| cx.ip(i)).collect();
    let hosts = &mut cx.ios().system.hosts;
    hosts.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
    if !cx.negated && !addrs.is_empty() {
        cx.ios().system.hosts.push((name, addrs));
    }
}

/// `ip name-server ADDRESS...` adds servers (six at most); the `no` form
/// removes the ones named, or all.
fn name_server(cx: &mut Cx) {
    let addrs: Vec<Ipv4Addr> = (0..8).map_while(|i| cx.ip(i)).collect();
    let negated = cx.negated;
    let servers = &mut cx.ios().system.name_servers;
    if negated {
        if addrs.is_empty() {
            servers.clear();
        } else {
            servers.retain(|s| !addrs.contains(s));
        }
        return;
    }
    for a in addrs {
        if !servers.contains(&a) && servers.len() < 6 {
            servers.push(a);
        }
    }
}

/// `service dhcp` (IOS's default) / `no service dhcp`: the DHCP server and relay.
fn service_dhcp(cx: &mut Cx) {
    cx.ios().services.dhcp_disabled = cx.negated;
}

fn secret_forms(h: Handler) -> Tree {
    vec![
        arg(Arg::Num(0, 0), "Specifies an UNENCRYPTED password will follow").sub(vec![arg(
            Arg::Word,
            "The UNENCRYPTED (cleartext) password",
        )
        .plain(h)]),
        arg(Arg::Num(5, 5), "Specifies a HIDDEN secret will follow").sub(vec![arg(
            Arg::Word,
            "The HIDDEN secret string",
        )
        .plain(h)]),
        arg(Arg::Num(7, 7), "Specifies a HIDDEN password will follow").sub(vec![arg(
            Arg::Word,
            "The HIDDEN password string",
        )
        .plain(h)]),
        arg(Arg::Num(8, 9), "Specifies a scrypt or PBKDF2 hashed secret will follow").sub(vec![arg(
            Arg::Word,
            "The hashed secret string",
        )
        .plain(h)]),
        arg(Arg::Word, "The UNENCRYPTED (cleartext) password").plain(h),
    ]
}

/// The secret a `[0|5|7] WORD` argument pair describes, hashed as IOS would.
fn secret_from(cx: &Cx, hash: bool, salt_seed: &str) -> Option<Secret> {
    let word =
        cx.word(cx.values.iter().filter(|v| matches!(v, super::Value::Word(_))).count().checked_sub(1)?)?.to_string();
    let kind = cx.values.iter().rev().find_map(|v| if let super::Value::Num(n) = v { Some(*n) } else { None });
    let kind =
        if cx.values.iter().rev().nth(1).is_some_and(|v| matches!(v, super::Value::Num(_))) { kind } else { None };
    Some(match kind {
        Some(5) => Secret::Type5(word),
        Some(7) => Secret::Type7(word),
        Some(n @ (8 | 9)) => Secret::Hashed(n as u8, word),
        _ if hash => {
            Secret::Type5(secret::md5_crypt(&word, &secret::salt_from(hash_name(0, &format!("{salt_seed}{word}")))))
        }
        _ => Secret::Clear(word),
    })
}

fn route_targets() -> Tree {
    // After the target and an optional distance, options come in any order.
    fn options(depth: usize) -> Tree {
        if depth == 0 {
            return Vec::new();
        }
        vec![
            kw("name", "Specify name of the next hop")
                .sub(vec![arg(Arg::Word, "Name of the next hop").run(ip_route).sub(options(depth - 1))]),
            kw("tag", "Set tag for this route")
                .sub(vec![arg(Arg::Num(1, 4_294_967_295), "Tag value").run(ip_route).sub(options(depth - 1))]),
            kw("track", "Install route depending on tracked item").sub(vec![arg(
                Arg::Num(1, 1000),
                "tracked object number",
            )
            .run(ip_route)
            .sub(options(depth - 1))]),
            kw("permanent", "permanent route").run(ip_route).sub(options(depth - 1)),
        ]
    }
    let tail = || {
        let mut t = vec![arg(Arg::Num(1, 255), "Distance metric for this route").run(ip_route).sub(options(3))];
        t.extend(options(3));
        t
    };
    vec![
        arg(Arg::Ipv4, "Forwarding router's address").run(ip_route).sub(tail()),
        arg(Arg::Iface, "").run(ip_route).sub(
            std::iter::once(arg(Arg::Ipv4, "Forwarding router's address").run(ip_route).sub(tail()))
                .chain(tail())
                .collect(),
        ),
    ]
}

/// The `name`, `tag`, `track` and `permanent` options of an `ip route` line, as IOS prints them.
fn route_options(cx: &Cx) -> String {
    let mut opts = String::new();
    for (k, v) in cx.values.iter().zip(cx.values.iter().skip(1).map(Some).chain([None])) {
        match (k, v) {
            (Value::Key("permanent"), _) => opts += " permanent",
            (Value::Key(k @ ("tag" | "track")), Some(Value::Num(n))) => opts += &format!(" {k} {n}"),
            (Value::Key("name"), Some(Value::Word(w))) => opts += &format!(" name {w}"),
            _ => {}
        }
    }
    opts
}

pub fn interface() -> Tree {
    let mut t: Tree = vec![
        kw("ip", "Interface Internet Protocol config commands").sub(
            vec![
                kw("address", "Set the IP address of an interface").no(ip_address).sub(vec![
                    kw("dhcp", "IP Address negotiated via DHCP").run(ip_address_dhcp),
                    arg(Arg::Ipv4, "IP address").sub(vec![arg(Arg::Ipv4, "IP subnet mask")
                        .run(ip_address)
                        .sub(vec![kw("secondary", "Make this IP address a secondary address").run(ip_address)])]),
                    arg(Arg::Prefix, "IP address and prefix length").hidden().run(ip_address),
                ]),
                super::acl::access_group(),
                super::routing::interface_ospf(),
                kw("proxy-arp", "Enable proxy ARP").run(proxy_arp),
                kw("mtu", "Set IP Maximum Transmission Unit").no(ip_mtu).sub(vec![arg(
                    Arg::Num(68, 1500),
                    "MTU (bytes)",
                )
                .run(ip_mtu)]),
                kw("redirects", "Enable sending ICMP Redirect messages").run(iface_setting),
                kw("unreachables", "Enable sending ICMP Unreachable messages").run(iface_setting),
            ]
            .into_iter()
            .chain(super::services::interface_ip())
            .collect(),
        ),
        super::ipv6::interface(),
        super::hsrp::interface(),
        kw("shutdown", "Shutdown the selected interface").run(shutdown),
        kw("description", "Interface specific description")
            .sub(vec![arg(Arg::Rest, "Up to 240 characters describing this interface").plain(description)])
            .no(description),
        kw("duplex", "Configure duplex operation.").no(duplex).sub(vec![
            kw("auto", "Enable AUTO duplex configuration").run(duplex),
            kw("full", "Force full duplex operation").run(duplex),
            kw("half", "Force half-duplex operation").run(duplex),
        ]),
        kw("speed", "Configure speed operation.").no(speed).sub(vec![
            kw("10", "Force 10 Mbps operation").run(speed),
            kw("100", "Force 100 Mbps operation").run(speed),
            kw("1000", "Force 1000 Mbps operation").run(speed),
            kw("auto", "Enable AUTO speed configuration").run(speed),
        ]),
        kw("clock", "Configure serial interface clock").when(router).sub(vec![kw(
            "rate",
            "Configure serial interface clock speed",
        )
        .no(clock_rate)
        .sub(vec![arg(Arg::Num(1200, 8_000_000), "Choose clockrate from list above").run(clock_rate)])]),
        kw("bandwidth", "Set bandwidth informational parameter")
            .sub(vec![arg(Arg::Num(1, 10_000_000), "Bandwidth in kilobits").run(bandwidth)])
            .no(bandwidth),
        kw("negotiation", "Select Autonegotiation mode")
            .sub(vec![kw("auto", "Enable link autonegotiation").run(iface_setting)]),
        kw("mdix", "Set Media Dependent Interface with Crossover").sub(vec![kw(
            "auto",
            "Enable automatic MDI crossover detection on this interface",
        )
        .run(iface_setting)]),
    ];
    t.extend(super::switching::interface());
    t.push(kw("cdp", "CDP interface subcommands").sub(vec![kw("enable", "Enable CDP on interface").run(cdp_enable)]));
    t.push(kw("lldp", "LLDP interface subcommands").sub(vec![
        kw("receive", "Enable LLDP reception on interface").run(lldp_receive),
        kw("transmit", "Enable LLDP transmission on interface").run(lldp_transmit),
    ]));
    t.extend(exit_end());
    t
}

pub fn line() -> Tree {
    let mut t: Tree = vec![
        kw("password", "Set a password").no(line_password).sub(vec![
            arg(Arg::Num(0, 0), "Specifies an UNENCRYPTED password will follow").sub(vec![arg(
                Arg::Word,
                "The UNENCRYPTED (cleartext) line password",
            )
            .plain(line_password)]),
            arg(Arg::Num(7, 7), "Specifies a HIDDEN password will follow").sub(vec![arg(
                Arg::Word,
                "The HIDDEN line password",
            )
            .plain(line_password)]),
            arg(Arg::Word, "The UNENCRYPTED (cleartext) line password").plain(line_password),
        ]),
        kw("login", "Enable password checking").run(login).sub(vec![kw("local", "Local password checking").run(login)]),
        kw("exec-timeout", "Set the EXEC timeout").no(exec_timeout).sub(vec![arg(
            Arg::Num(0, 35791),
            "Timeout in minutes",
        )
        .run(exec_timeout)
        .sub(vec![arg(Arg::Num(0, 2_147_483), "Timeout in seconds").run(exec_timeout)])]),
        kw("logging", "Modify message logging facilities")
            .sub(vec![kw("synchronous", "Synchronized message output").run(logging_sync)]),
        kw("transport", "Define transport protocols for line").sub(vec![kw(
            "input",
            "Define which protocols to use when connecting to the terminal server",
        )
        .no(transport_input)
        .sub(vec![
            kw("all", "All protocols").run(transport_input),
            kw("none", "No protocols").run(transport_input),
            kw("ssh", "TCP/IP SSH protocol")
                .run(transport_input)
                .sub(vec![kw("telnet", "TCP/IP Telnet protocol").run(transport_input)]),
            kw("telnet", "TCP/IP Telnet protocol")
                .run(transport_input)
                .sub(vec![kw("ssh", "TCP/IP SSH protocol").run(transport_input)]),
        ])]),
        kw("privilege", "Change privilege level for line").sub(vec![kw(
            "level",
            "Assign default privilege level for line",
        )
        .no(line_privilege)
        .sub(vec![arg(Arg::Num(0, 15), "Default privilege level for line").run(line_privilege)])]),
        kw("history", "Enable and control the command history function").sub(vec![kw(
            "size",
            "Set history buffer size",
        )
        .no(history_size)
        .sub(vec![arg(Arg::Num(0, 256), "Size of history buffer").run(history_size)])]),
        kw("stopbits", "Set async line stop bits").hidden().sub(vec![arg(Arg::Num(1, 2), "").run(stopbits)]),
        super::acl::access_class(),
    ];
    t.extend(exit_end());
    t
}

pub(super) fn exit(cx: &mut Cx) {
    let ios = cx.ios();
    ios.terminal.mode = match ios.terminal.mode {
        Mode::Config => Mode::PrivExec,
        _ => Mode::Config,
    };
}

pub(super) fn end(cx: &mut Cx) {
    cx.ios().terminal.mode = Mode::PrivExec;
    super::configured(cx.dev);
}

fn hostname(cx: &mut Cx) {
    let name = if cx.negated {
        cx.dev.model.default_hostname().to_string()
    } else {
        cx.word(0).unwrap_or("Router").to_string()
    };
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        cx.reject(Rejection::Refused, "% Hostname contains one or more illegal characters.\n");
        return;
    }
    cx.ios().system.hostname = name.chars().take(63).collect();
}

fn select_interface(cx: &mut Cx) {
    let Some(name) = cx.iface().cloned() else { return };
    if let Some(name) = select_iface(cx, &name) {
        cx.ios().terminal.mode = Mode::Interface { names: vec![name], range: false };
    }
}

/// Find or create the interface a command names, or print IOS's complaint.
fn select_iface(cx: &mut Cx, name: &IfaceName) -> Option<IfaceName> {
    let model = cx.dev.model;
    let (ios, console, ports) = cx.parts();
    if ios.iface(name).is_some() {
        return Some(name.clone());
    }
    if let Some(sub) = name.sub {
        let parent = name.parent();
        let parent_ok = ios.iface(&parent).is_some_and(|p| p.port.is_some()) && model == Model::Router && sub > 0;
        if parent_ok {
            ios.ensure_subif(name, ports);
            return Some(name.clone());
        }
    } else if ios.ensure_iface(name, ports).is_some() {
        return Some(name.clone());
    }
    let column = ios.prompt().len() + 10;
    let _ = console;
    cx.invalid_at(column);
    None
}

fn interface_range(cx: &mut Cx) {
    let text = cx.rest().unwrap_or("").to_string();
    match parse_range(&text) {
        Some(names) if !names.is_empty() && names.iter().all(|n| cx.ios().iface(n).is_some()) => {
            cx.ios().terminal.mode = Mode::Interface { names, range: true };
        }
        _ => cx.reject(Rejection::Refused, "% Command rejected: Bad interface range\n"),
    }
}

/// `f0/1 - 24`, `f0/1-24`, `g0/1 - 2 , f0/1 - 5`, `f0/1 , f0/3`.
pub fn parse_range(text: &str) -> Option<Vec<IfaceName>> {
    let mut out = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), Some(b.trim())),
            None => (part, None),
        };
        let start = IfaceName::parse(first).ok()?;
        let from = *start.numbers.last()?;
        let to = match last {
            Some(l) => l.parse::<u32>().ok()?,
            None => from,
        };
        if to < from || to - from > 64 {
            return None;
        }
        for n in from..=to {
            let mut name = start.clone();
            *name.numbers.last_mut()? = n;
            out.push(name);
        }
    }
    Some(out)
}

fn ip_route(cx: &mut Cx) {
    let (Some(network), Some(mask)) = (cx.ip(0), cx.ip(1)) else { return };
    // The distance is the number right after the target, not a tag or track number.
    let distance = cx
        .values
        .iter()
        .zip(cx.values.iter().skip(1))
        .find_map(|(a, b)| match (a, b) {
            (Value::Ip(_) | Value::Iface(_), Value::Num(n)) => Some(*n),
            _ => None,
        })
        .unwrap_or(1)
        .min(255) as u8;
    let spec = StaticRouteSpec {
        network,
        mask,
        iface: cx.iface().cloned(),
        next_hop: cx.ip(2),
        distance,
        options: route_options(cx),
    };
    let result = if cx.negated { cx.ios().remove_static_route(&spec) } else { cx.ios().add_static_route(&spec) };
    let message = match result {
        Ok(()) => {
            // A default route out of a LAN interface makes the router ARP for
            // every destination, and IOS warns about it.
            let multiaccess =
                spec.iface.as_ref().is_some_and(|i| !matches!(i.kind, IfaceKind::Serial | IfaceKind::Loopback));
            if !cx.negated
                && spec.network.is_unspecified()
                && spec.mask.is_unspecified()
                && spec.next_hop.is_none()
                && multiaccess
            {
                cx.print("%Default route without gateway, if not a point-to-point interface, may impact performance\n");
            }
            return;
        }
        Err(RouteError::InconsistentMask) => "%Inconsistent address and mask\n",
        Err(RouteError::UnknownInterface) => "%Invalid interface\n",
        Err(RouteError::NextHopIsLocal) => "%Invalid next hop address (it's this router)\n",
    };
    cx.reject(Rejection::Refused, message);
}

fn domain_name(cx: &mut Cx) {
    let name = if cx.negated { None } else { cx.word(0).map(str::to_string) };
    cx.ios().system.domain_name = name;
}

fn domain_lookup(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().system.domain_lookup = on;
}

fn default_gateway(cx: &mut Cx) {
    let gw = if cx.negated { None } else { cx.ip(0) };
    cx.ios().routing.default_gateway = gw;
    cx.ios().sync_routes();
}

fn ssh_version(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.num(0).map(|n| n as u8) };
    cx.ios().system.ssh_version = v;
}

fn ssh_timeout(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.num(0) };
    cx.ios().system.ssh_timeout = v;
}

fn ssh_retries(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.num(0) };
    cx.ios().system.ssh_retries = v;
}

fn enable_secret(cx: &mut Cx) {
    let s = if cx.negated { None } else { secret_from(cx, true, "enable") };
    cx.ios().system.enable_secret = s;
}

fn enable_password(cx: &mut Cx) {
    let s = if cx.negated { None } else { secret_from(cx, false, "enable") };
    let encrypt = cx.ios().system.password_encryption;
    cx.ios().system.enable_password = s.map(|s| if encrypt { encrypt7(s) } else { s });
}

fn encrypt7(s: Secret) -> Secret {
    match s {
        Secret::Clear(p) => Secret::Type7(secret::type7_encode(&p, (hash_name(7, &p) % 16) as usize)),
        other => other,
    }
}

fn password_encryption(cx: &mut Cx) {
    let on = !cx.negated;
    let ios = cx.ios();
    ios.system.password_encryption = on;
    if on {
        // Existing clear-text passwords are encrypted at once; turning it off decrypts nothing.
        ios.system.enable_password = ios.system.enable_password.take().map(encrypt7);
        for l in &mut ios.system.lines {
            l.password = l.password.take().map(encrypt7);
        }
        for u in &mut ios.system.users {
            u.secret = u.secret.take().map(encrypt7);
        }
    }
}

fn banner(cx: &mut Cx) {
    let kind = if cx.has("login") { BannerKind::Login } else { BannerKind::Motd };
    if cx.negated {
        set_banner(cx.ios(), kind, None);
        return;
    }
    let text = cx.rest().unwrap_or("").to_string();
    // Saved configurations show the delimiter as `^C`; typed ones use any character.
    let delim: String = if text.starts_with("^C") { "^C".into() } else { text.chars().take(1).collect() };
    let body = &text[delim.len()..];
    match body.find(&delim) {
        Some(end) => set_banner(cx.ios(), kind, Some(body[..end].to_string())),
        None => {
            cx.print(&format!(
                "Enter TEXT message.  End with the character '{}'.\n",
                delim.chars().last().unwrap_or('^')
            ));
            cx.ios().terminal.banner_in_progress = Some((kind, delim, body.to_string()));
        }
    }
}

fn set_banner(ios: &mut crate::device::Ios, kind: BannerKind, text: Option<String>) {
    match kind {
        BannerKind::Motd => ios.system.banner_motd = text,
        BannerKind::Login => ios.system.banner_login = text,
    }
}

fn http_server(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().set_http_server(on);
}

fn cdp_run(cx: &mut Cx) {
    let on = !cx.negated;
    let ios = cx.ios();
    ios.discovery.cdp_run = on;
    if !on {
        ios.discovery.cdp_neighbors.clear();
    }
}

fn cdp_enable(cx: &mut Cx) {
    discovery_switch(cx, |i, on| i.cdp_enable = on, |ios, p| ios.discovery.cdp_neighbors.retain(|(q, _, _)| *q != p));
}

/// A per-interface discovery switch (`cdp enable`, `lldp receive`, `lldp
/// transmit`): set on each selected interface; when it goes off, `forget`
/// what was heard on that port.
fn discovery_switch(cx: &mut Cx, set: fn(&mut IosIface, bool), forget: fn(&mut Ios, usize)) {
    let on = !cx.negated;
    for name in selected(cx) {
        let ios = cx.ios();
        let port = ios.iface(&name).and_then(|i| i.port);
        if let Some(i) = ios.iface_mut(&name) {
            set(i, on);
        }
        if let (false, Some(p)) = (on, port) {
            forget(ios, p);
        }
    }
}

fn lldp_run(cx: &mut Cx) {
    let on = !cx.negated;
    let ios = cx.ios();
    if on && !ios.discovery.lldp_run {
        // The first advertisements go out on the next tick.
        ios.discovery.lldp_countdown = 0;
    }
    ios.discovery.lldp_run = on;
    if !on {
        ios.discovery.lldp_neighbors.clear();
    }
}

fn lldp_receive(cx: &mut Cx) {
    discovery_switch(
        cx,
        |i, on| i.lldp_receive = on,
        |ios, p| ios.discovery.lldp_neighbors.retain(|(q, _, _)| *q != p),
    );
}

fn lldp_transmit(cx: &mut Cx) {
    discovery_switch(cx, |i, on| i.lldp_transmit = on, |_, _| {});
}

/// A line of a multi-line banner.
pub fn banner_line(dev: &mut Device, line: &str) {
    let Role::Ios(ios) = &mut dev.role else { return };
    let Some((kind, delim, mut text)) = ios.terminal.banner_in_progress.take() else { return };
    text.push('\n');
    match line.find(&delim) {
        Some(end) => {
            text.push_str(&line[..end]);
            set_banner(ios, kind, Some(text));
        }
        None => {
            text.push_str(line);
            ios.terminal.banner_in_progress = Some((kind, delim, text));
        }
    }
}

fn enter_line(cx: &mut Cx, kind: LineKind, first: u8, last: u8) {
    let ios = cx.ios();
    if !ios.system.lines.iter().any(|l| l.kind == kind && l.first <= first && last <= l.last) {
        // `line vty 0 15` on a box that lists 0 4 and 5 15 is two blocks; cover them.
        if kind != LineKind::Vty {
            return;
        }
    }
    ios.terminal.mode = Mode::Line { kind, first, last };
}

fn line_console(cx: &mut Cx) {
    enter_line(cx, LineKind::Console, 0, 0);
}

fn line_aux(cx: &mut Cx) {
    enter_line(cx, LineKind::Aux, 0, 0);
}

fn line_vty(cx: &mut Cx) {
    let first = cx.num(0).unwrap_or(0) as u8;
    let last = cx.num(1).map_or(first, |n| n as u8);
    if last < first {
        cx.reject(Rejection::Refused, "%Invalid line number\n");
        return;
    }
    if cx.dev.model == Model::Router && last > 4 {
        // An ISR has vty 0-4 by default; more lines are created on demand.
        let ios = cx.ios();
        if !ios.system.lines.iter().any(|l| l.kind == LineKind::Vty && l.first == 5) {
            // New lines start with IOS's defaults (`login`, no password).
            ios.system.lines.push(LineConfig::new(LineKind::Vty, 5, 15));
        }
    }
    enter_line(cx, LineKind::Vty, first, last);
}

/// Apply a change to every line block the current `line` mode covers.
pub(super) fn each_line(cx: &mut Cx, f: impl Fn(&mut LineConfig)) {
    let ios = cx.ios();
    let Mode::Line { kind, first, last } = ios.terminal.mode else { return };
    ios.system.split_lines(kind, first, last);
    for l in ios.system.lines.iter_mut().filter(|l| l.kind == kind && first <= l.first && l.last <= last) {
        f(l);
    }
    ios.system.merge_lines(kind);
}

fn line_password(cx: &mut Cx) {
    let s = if cx.negated { None } else { secret_from(cx, false, "line") };
    let encrypt = cx.ios().system.password_encryption;
    let s = s.map(|s| if encrypt { encrypt7(s) } else { s });
    each_line(cx, |l| l.password = s.clone());
}

fn login(cx: &mut Cx) {
    let login = match (cx.negated, cx.has("local")) {
        (true, _) => Login::None,
        (false, true) => Login::Local,
        (false, false) => Login::Line,
    };
    let missing_password = login == Login::Line && {
        let ios = cx.ios();
        let Mode::Line { kind, first, .. } = ios.terminal.mode else { return };
        ios.system.lines.iter().any(|l| l.kind == kind && l.first <= first && first <= l.last && l.password.is_none())
    };
    if missing_password {
        cx.print("% Login disabled on line 0, until 'password' is set\n");
    }
    each_line(cx, |l| l.login = login);
}

fn exec_timeout(cx: &mut Cx) {
    let t = if cx.negated { None } else { Some((cx.num(0).unwrap_or(10), cx.num(1).unwrap_or(0))) };
    each_line(cx, |l| l.exec_timeout = t.filter(|&t| t != (10, 0)));
}

/// `privilege level N`: where a session on the line starts (15: privileged EXEC).
fn line_privilege(cx: &mut Cx) {
    let level = if cx.negated { None } else { cx.num(0).map(|n| n as u8) };
    each_line(cx, |l| l.privilege = level);
}

fn logging_sync(cx: &mut Cx) {
    let on = !cx.negated;
    each_line(cx, |l| l.logging_synchronous = on);
}

fn transport_input(cx: &mut Cx) {
    let words: Vec<&str> =
        cx.values.iter().skip(2).filter_map(|v| if let super::Value::Key(k) = v { Some(*k) } else { None }).collect();
    let t = if cx.negated { None } else { Some(words.join(" ")) };
    each_line(cx, |l| l.transport_input = t.clone());
}

fn username(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    if cx.negated {
        cx.ios().system.users.retain(|u| u.name != name);
        return;
    }
    let hash = cx.has("secret");
    let privilege = cx.values.iter().position(|v| matches!(v, super::Value::Key("privilege"))).and_then(|p| {
        match cx.values.get(p + 1) {
            Some(super::Value::Num(n)) => Some(*n as u8),
            _ => None,
        }
    });
    let secret = secret_from(cx, hash, &name);
    let encrypt = cx.ios().system.password_encryption;
    let secret = secret.map(|s| if encrypt { encrypt7(s) } else { s });
    let ios = cx.ios();
    ios.system.users.retain(|u| u.name != name);
    ios.system.users.push(User { name, privilege, secret });
}

fn crypto_rsa(cx: &mut Cx) {
    let ios = cx.ios();
    if ios.system.domain_name.is_none() {
        cx.reject(Rejection::Refused, "% Please define a domain-name first.\n");
        return;
    }
    let name = format!("{}.{}", ios.system.hostname, ios.system.domain_name.clone().unwrap_or_default());
    if ios.system.rsa_modulus.is_some() {
        let bits = cx.num(0);
        cx.ios().terminal.question = Some(crate::device::ios::Question::ReplaceRsaKeys { bits });
        cx.print(&format!(
            "% You already have RSA keys defined named {name}.\n% Do you really want to replace them? [yes/no]: "
        ));
        return;
    }
    generate_rsa(cx.dev, cx.num(0));
}

/// Generate the keys (or ask for their size): the text IOS prints.
pub(super) fn generate_rsa(dev: &mut crate::device::Device, bits: Option<u32>) {
    let Role::Ios(ios) = &mut dev.role else { return };
    let name = format!("{}.{}", ios.system.hostname, ios.system.domain_name.clone().unwrap_or_default());
    match bits {
        Some(bits) => {
            let first = ios.system.rsa_modulus.replace(bits).is_none();
            dev.console.push_str(&format!("The name for the keys will be: {name}\n\n% The key modulus size is {bits} bits\n% Generating {bits} bit RSA keys, keys will be non-exportable...\n[OK] (elapsed time was 1 seconds)\n\n"));
            if first {
                dev.console.push_str("%SSH-5-ENABLED: SSH 1.99 has been enabled\n");
            }
        }
        None => {
            dev.console.push_str(&format!("The name for the keys will be: {name}\nChoose the size of the key modulus in the range of 360 to 4096 for your\n  General Purpose Keys. Choosing a key modulus greater than 512 may take\n  a few minutes.\n\nHow many bits in the modulus [512]: "));
            ios.terminal.question = Some(crate::device::ios::Question::RsaModulus);
        }
    }
}

/// The interfaces the current `interface` mode applies to.
pub(super) fn selected(cx: &mut Cx) -> Vec<IfaceName> {
    match &cx.ios().terminal.mode {
        Mode::Interface { names, .. } => names.clone(),
        _ => Vec::new(),
    }
}

fn ip_address(cx: &mut Cx) {
    let prefix = cx.values.iter().find_map(|v| if let Value::Prefix(a, l) = v { Some((*a, *l)) } else { None });
    let address = match prefix {
        Some((a, l)) => Some((a, crate::proto::ipv4::mask_of(l))),
        None => cx.ip(0).zip(cx.ip(1)),
    };
    if !cx.negated && address.is_none() {
        return;
    }
    let role = if cx.has("secondary") { AddressRole::Secondary } else { AddressRole::Primary };
    let remove = cx.negated;
    for name in selected(cx) {
        // A typed address (or none) ends `ip address dhcp`.
        if role == AddressRole::Primary {
            let now = cx.now;
            let _ = cx.ios().set_dhcp_address(now, &name, false);
        }
        let message = match cx.ios().set_ipv4_address(&name, address, role, remove) {
            Ok(()) => continue,
            Err(AddressError::SubinterfaceWithoutEncapsulation) => "% Configuring IP routing on a LAN subinterface is only allowed if that\nsubinterface is already configured as part of an IEEE 802.10, IEEE 802.1Q,\nor ISL vLAN.\n\n".to_string(),
            Err(AddressError::Layer2Port) => "% IP addresses may not be configured on L2 links.\n\n".to_string(),
            Err(AddressError::NotLayer3) => {
                let column = cx.dev.prompt().len() + 1;
                return cx.invalid_at(column);
            }
            Err(AddressError::BadMask { mask }) => {
                format!("Bad mask 0x{:X} for address {}\n", u32::from(mask), address.map_or(mask, |a| a.0))
            }
            Err(AddressError::NetworkOrBroadcast { len }) => {
                format!("Bad mask /{len} for address {}\n", address.map_or(Ipv4Addr::UNSPECIFIED, |a| a.0))
            }
            Err(AddressError::Overlaps { network, with }) => format!("% {network} overlaps with {with}\n"),
            Err(AddressError::SecondariesRemain) => "Must delete secondary before deleting primary\n".to_string(),
        };
        return cx.reject(Rejection::Refused, &message);
    }
}

/// `ip address dhcp`: the interface asks a DHCP server for its address.
fn ip_address_dhcp(cx: &mut Cx) {
    let now = cx.now;
    let on = !cx.negated;
    for name in selected(cx) {
        if let Err(AddressError::NotLayer3) = cx.ios().set_dhcp_address(now, &name, on) {
            let column = cx.dev.prompt().len() + 1;
            return cx.invalid_at(column);
        }
    }
}

fn shutdown(cx: &mut Cx) {
    let shut = !cx.negated;
    for name in selected(cx) {
        let (ios, _, ports) = cx.parts();
        if let Some(port) = ios.set_shutdown(&name, shut, ports) {
            cx.out.admin_changed.push(port);
        }
    }
}

/// `bandwidth KBPS`: what `show interfaces` prints and routing protocols use.
fn bandwidth(cx: &mut Cx) {
    let kbps = if cx.negated { None } else { cx.num(0) };
    for name in selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.bandwidth = kbps;
        }
    }
}

/// `ip mtu BYTES`: the largest IP packet the interface sends (OSPF checks
/// its neighbours agree on it).
fn ip_mtu(cx: &mut Cx) {
    let mtu = if cx.negated { None } else { cx.num(0).map(|n| n as u16) };
    for name in selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.ip_mtu = mtu;
        }
    }
}

/// `ip proxy-arp` / `no ip proxy-arp` on the selected interfaces.
fn proxy_arp(cx: &mut Cx) {
    let on = !cx.negated;
    for name in selected(cx) {
        let ios = cx.ios();
        if let Some(s) = ios.iface(&name).and_then(|i| i.stack) {
            ios.stack.ifaces[s].proxy_arp = on;
        }
    }
}

fn description(cx: &mut Cx) {
    let text = if cx.negated { None } else { cx.rest().map(|r| r.chars().take(240).collect()) };
    for name in selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.description = text.clone();
        }
    }
}

fn duplex(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.key_after("duplex").filter(|k| *k != "auto").map(str::to_string) };
    for name in selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.duplex = v.clone();
        }
    }
}

fn speed(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.key_after("speed").filter(|k| *k != "auto").map(str::to_string) };
    for name in selected(cx) {
        let fits = match (name.kind, v.as_deref()) {
            (IfaceKind::FastEthernet, Some("1000")) => false,
            (IfaceKind::Serial, Some(_)) => false,
            _ => true,
        };
        if !fits {
            let column = cx.dev.prompt().len() + 6;
            return cx.invalid_at(column);
        }
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.speed = v.clone();
        }
    }
}

fn clock_rate(cx: &mut Cx) {
    let rate = if cx.negated { None } else { cx.num(0) };
    for name in selected(cx) {
        if name.kind != IfaceKind::Serial {
            continue;
        }
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.clock_rate = rate;
        }
    }
}
