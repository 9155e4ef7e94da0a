//! The command prompt of a host (`C:\>`): ipconfig, ping, tracert, arp, in
//! the wording Windows uses.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::proto::ip6_stack::AddrState;

use super::{Rejection, Response};
use crate::cli::clock::Civil;
use crate::device::remote::Via;
use crate::device::FetchOutcome;
use crate::device::{Addressing, Ctx, Device, DhcpOutcome, DhcpWaiter, Host, LookupWaiter, Role, NSLOOKUP};
use crate::proto::dns::Resolution;
use crate::proto::ethernet::{cisco_format, windows_format};
use crate::proto::http::Url;
use crate::proto::icmp::ErrorKind;
use crate::proto::ip_stack::SendError;
use crate::proto::ipv4::{mask_of, prefix_len};
use crate::proto::probe::{Kind, Outcome, Pace, Report, Spec, Tally};
use crate::sim::Duration;

const WINDOWS_TTL_EXCEEDED: &str = "TTL expired in transit.";

pub fn type_line(dev: &mut Device, ctx: &mut Ctx, line: &str) -> Response {
    // With a remote login open, the line is the remote box's.
    if dev.remote().is_some() {
        host(dev).remote_line(ctx.now, line);
        return Response::Accepted;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(cmd) = words.first() else {
        return Response::Accepted;
    };
    let args = &words[1..];
    match cmd.to_ascii_lowercase().as_str() {
        "ipconfig" => ipconfig(dev, ctx, args),
        "ipv6config" => ipv6config(dev, ctx.now, args),
        "netsh" if args.first().is_some_and(|a| a.eq_ignore_ascii_case("interface")) => netsh_interface(dev, ctx, args),
        "ping" => ping(dev, ctx, args),
        "tracert" => tracert(dev, ctx, args),
        "arp" => arp(dev, ctx, args),
        "dns" => dns(dev, args),
        "nslookup" => nslookup(dev, ctx, args),
        "curl" => curl(dev, ctx, args),
        "telnet" => telnet(dev, ctx, args),
        "ssh" => ssh(dev, ctx, args),
        "dnscmd" if dev.model == crate::base::Model::Server => dnscmd(dev, args),
        "netsh" if dev.model == crate::base::Model::Server => netsh(dev, args),
        "help" | "?" => print(dev, HELP),
        other => {
            dev.console.push_str(&format!(
                "'{other}' is not recognized as an internal or external command,\noperable program or batch file.\n\n"
            ));
            Response::Rejected(Rejection::UnknownCommand)
        }
    }
}

/// Print, and take the line.
fn print(dev: &mut Device, text: &str) -> Response {
    dev.console.push_str(text);
    Response::Accepted
}

/// Print, and refuse the line with `why`.
fn refuse(dev: &mut Device, why: Rejection, text: &str) -> Response {
    dev.console.push_str(text);
    Response::Rejected(why)
}

const HELP: &str = "\nAvailable Commands\n?         Display the list of available commands\narp       Display the arp table\ncurl      Fetch a web page (curl [-I] URL)\ndns       Set the DNS server (dns A.B.C.D)\nhelp      Display the list of available commands\nipconfig  Display network configuration, or set it (ipconfig IP MASK [GATEWAY] | /dhcp | /renew | /release | /all)\nipv6config Display IPv6 configuration, or set it (ipv6config ADDRESS/LENGTH [GATEWAY] | autoconfig | dhcp)\nnetsh     netsh interface ipv6 show neighbors\nnslookup  Look a name up (nslookup NAME [SERVER])\nping      Send echo messages\nssh       Open a secure remote login (ssh -l USER ADDRESS)\ntelnet    Open a remote login (telnet ADDRESS)\ntracert   Trace route to destination\n\n";

fn host(dev: &mut Device) -> &mut crate::device::Host {
    match &mut dev.role {
        Role::Host(h) => h,
        Role::Ios(_) => unreachable!("dispatched on role"),
    }
}

fn ipconfig(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    match args {
        [flag] if flag.eq_ignore_ascii_case("/dhcp") => {
            // Obtain an address automatically (Packet Tracer's "DHCP" button).
            renew(dev, ctx);
            Response::Accepted
        }
        [flag] if flag.eq_ignore_ascii_case("/renew") => {
            if !host(dev).dhcp_enabled() {
                return refuse(dev, Rejection::Refused, "DHCP is not enabled on this adapter (FastEthernet0).\n\n");
            }
            renew(dev, ctx);
            Response::Accepted
        }
        [flag] if flag.eq_ignore_ascii_case("/release") => {
            if !host(dev).dhcp_enabled() {
                return refuse(dev, Rejection::Refused, "DHCP is not enabled on this adapter (FastEthernet0).\n\n");
            }
            let waiter: DhcpWaiter = Box::new(|_, out: &mut String| {
                out.push_str(&address_block(Ipv4Addr::UNSPECIFIED, Ipv4Addr::UNSPECIFIED, None, None))
            });
            host(dev).release(ctx.now, Some(waiter));
            Response::Accepted
        }
        [] => {
            let text = ipconfig_text(dev, false);
            print(dev, &text)
        }
        [flag] if flag.eq_ignore_ascii_case("/all") => {
            let text = ipconfig_text(dev, true);
            print(dev, &text)
        }
        [addr, mask] | [addr, mask, _] => {
            let gw = args.get(2).map(|g| g.parse::<Ipv4Addr>());
            let parsed = (addr.parse::<Ipv4Addr>(), mask.parse::<Ipv4Addr>().ok().and_then(prefix_len));
            match (parsed, gw) {
                ((Ok(a), Some(len)), None) if len > 0 => {
                    host(dev).set_ip(Some((a, len)), None);
                    Response::Accepted
                }
                ((Ok(a), Some(len)), Some(Ok(g))) if len > 0 => {
                    host(dev).set_ip(Some((a, len)), Some(g));
                    Response::Accepted
                }
                _ => refuse(dev, Rejection::Usage, "The following command was not valid: ipconfig\nUsage:\n    ipconfig [/all | /release | /renew]\n    ipconfig IP-ADDRESS SUBNET-MASK [DEFAULT-GATEWAY]\n\n"),
            }
        }
        _ => refuse(dev, Rejection::Usage, "Error: unrecognized or incomplete command line.\n\nUsage:\n    ipconfig [/all | /release | /renew]\n    ipconfig IP-ADDRESS SUBNET-MASK [DEFAULT-GATEWAY]\n\n"),
    }
}

/// Ask DHCP for an address; the prompt waits and prints what came of it.
fn renew(dev: &mut Device, ctx: &mut Ctx) {
    let (name, mac) = (dev.name.clone(), dev.ports[0].mac);
    let waiter: DhcpWaiter = Box::new(|outcome, out: &mut String| match outcome {
        DhcpOutcome::Bound(lease) => out.push_str(&address_block(
            lease.addr,
            mask_of(lease.len),
            Some(lease.router.unwrap_or(Ipv4Addr::UNSPECIFIED)),
            Some(lease.dns.first().copied().unwrap_or(Ipv4Addr::UNSPECIFIED)),
        )),
        // Packet Tracer's words (with its trailing space); the adapter then has an APIPA address.
        DhcpOutcome::GaveUp(_) | DhcpOutcome::RenewFailed => out.push_str("DHCP request failed. \n"),
        DhcpOutcome::Released => {}
    });
    host(dev).renew(ctx.now, &name, mac, Some(waiter));
}

/// The block Packet Tracer's `ipconfig /renew` and `/release` print.
fn address_block(addr: Ipv4Addr, mask: Ipv4Addr, gateway: Option<Ipv4Addr>, dns: Option<Ipv4Addr>) -> String {
    let zero = Ipv4Addr::UNSPECIFIED;
    format!(
        "\n   IP Address......................: {addr}\n   Subnet Mask.....................: {mask}\n   Default Gateway.................: {}\n   DNS Server......................: {}\n\n",
        gateway.unwrap_or(zero),
        dns.unwrap_or(zero)
    )
}

fn ipconfig_text(dev: &Device, all: bool) -> String {
    let Role::Host(h) = &dev.role else { return String::new() };
    let mac = dev.ports[0].mac;
    let (ip, mask) = match h.addr() {
        Some((a, len)) => (a.to_string(), mask_of(len).to_string()),
        None => ("0.0.0.0".into(), "0.0.0.0".into()),
    };
    let gw = h.gateway.map_or("0.0.0.0".to_string(), |g| g.to_string());
    let (link_local, ipv6_addr, ipv6_gw) = ipv6_settings(h);
    let suffix = h.dns_suffix.clone().unwrap_or_default();
    // An APIPA address is labelled as Windows labels it.
    let ipv4_label = match h.addressing {
        Addressing::Apipa => "   Autoconfiguration IPv4 Address..: ",
        _ => "   IPv4 Address....................: ",
    };
    let lease = h.dhcp.as_ref().and_then(|c| c.lease.as_ref()).filter(|_| h.addressing == Addressing::Dhcp);
    let mut out = String::from("\nFastEthernet0 Connection:(default port)\n\n");
    if all {
        out.push_str(&format!("   Connection-specific DNS Suffix..: {suffix}\n"));
        out.push_str(&format!("   Physical Address................: {}\n", windows_format(mac)));
        out.push_str(&format!(
            "   DHCP Enabled....................: {}\n",
            if h.dhcp_enabled() { "Yes" } else { "No" }
        ));
        out.push_str(&format!(
            "   Link-local IPv6 Address.........: {link_local}\n   IPv6 Address....................: {ipv6_addr}\n"
        ));
        out.push_str(&format!("{ipv4_label}{ip}\n   Subnet Mask.....................: {mask}\n"));
        if let Some(l) = lease {
            out.push_str(&format!("   Lease Obtained..................: {}\n", Civil::at(l.obtained).windows_long()));
            let expires = l.expires.map_or("Infinite".to_string(), |e| Civil::at(e).windows_long());
            out.push_str(&format!("   Lease Expires...................: {expires}\n"));
        }
        out.push_str(&format!(
            "   Default Gateway.................: {ipv6_gw}\n                                     {gw}\n"
        ));
        out.push_str(&format!(
            "   DHCP Servers....................: {}\n",
            lease.map_or(Ipv4Addr::UNSPECIFIED, |l| l.server)
        ));
        let dns6 = h.dns6.first().map_or("::".to_string(), |d| d.to_string().to_uppercase());
        out.push_str(&format!(
            "   DNS Servers.....................: {dns6}\n                                     {}\n\n",
            h.dns.map_or("0.0.0.0".into(), |d| d.to_string())
        ));
    } else {
        out.push_str(&format!("   Connection-specific DNS Suffix..: {suffix}\n"));
        out.push_str(&format!(
            "   Link-local IPv6 Address.........: {link_local}\n   IPv6 Address....................: {ipv6_addr}\n"
        ));
        out.push_str(&format!("{ipv4_label}{ip}\n   Subnet Mask.....................: {mask}\n"));
        out.push_str(&format!(
            "   Default Gateway.................: {ipv6_gw}\n                                     {gw}\n\n"
        ));
    }
    out
}

/// The adapter's link-local address, IPv6 address (with its prefix length)
/// and IPv6 default gateway as Packet Tracer's prompt prints them: in
/// capitals, `::` for none.
fn ipv6_settings(h: &crate::device::Host) -> (String, String, String) {
    let text = |a: Ipv6Addr| a.to_string().to_uppercase();
    let i = &h.stack6.ifaces[0];
    let ll = i.link_local().map_or("::".to_string(), text);
    let addr = i.globals().find(|a| a.state != AddrState::Duplicate).map_or("::".to_string(), |a| text(a.addr));
    let gw = h.ipv6_gateway.or_else(|| h.stack6.routers.first().map(|r| r.addr)).map_or("::".to_string(), text);
    (ll, addr, gw)
}

const IPV6CONFIG_USAGE: &str =
    "Usage:\n    ipv6config [autoconfig | dhcp | IPV6-ADDRESS/PREFIX-LENGTH [DEFAULT-GATEWAY]]\n\n";

/// `ipv6config`: show the adapter's IPv6 settings, or set them (a static
/// address and gateway, or autoconfiguration from router advertisements).
fn ipv6config(dev: &mut Device, now: crate::sim::Time, args: &[&str]) -> Response {
    let h = host(dev);
    match args {
        [] => {
            let (ll, addr, gw) = ipv6_settings(h);
            let text = format!(
                "\nFastEthernet0 Connection:(default port)\n\n   Link-local IPv6 Address.........: {ll}\n   IPv6 Address....................: {addr}\n   Default Gateway.................: {gw}\n\n"
            );
            print(dev, &text)
        }
        [mode] if mode.trim_start_matches('/').eq_ignore_ascii_case("autoconfig") => {
            h.set_ipv6_autoconfig();
            Response::Accepted
        }
        [mode] if mode.trim_start_matches('/').eq_ignore_ascii_case("dhcp") => {
            h.set_ipv6_dhcp(now);
            Response::Accepted
        }
        [addr] | [addr, _] => {
            let parsed = addr.split_once('/').and_then(|(a, l)| {
                Some((a.parse::<Ipv6Addr>().ok()?, l.parse::<u8>().ok().filter(|l| (1..=128).contains(l))?))
            });
            let gw = args.get(1).map(|g| g.parse::<Ipv6Addr>());
            match (parsed, gw) {
                (Some((a, _)), _) if a.is_multicast() || a.is_unspecified() || crate::proto::ipv6::is_link_local(a) => {
                    refuse(dev, Rejection::Usage, &format!("Invalid IPv6 address {addr}.\n{IPV6CONFIG_USAGE}"))
                }
                (Some(a), None) => {
                    h.set_ipv6(Some(a), None);
                    Response::Accepted
                }
                (Some(a), Some(Ok(g))) if !g.is_multicast() && !g.is_unspecified() => {
                    h.set_ipv6(Some(a), Some(g));
                    Response::Accepted
                }
                _ => refuse(
                    dev,
                    Rejection::Usage,
                    &format!("The following command was not valid: ipv6config\n{IPV6CONFIG_USAGE}"),
                ),
            }
        }
        _ => refuse(
            dev,
            Rejection::Usage,
            &format!("Error: unrecognized or incomplete command line.\n\n{IPV6CONFIG_USAGE}"),
        ),
    }
}

/// `netsh interface ipv6 show neighbors`: the neighbour cache as Windows
/// lists it.
fn netsh_interface(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();
    if !matches!(words.as_slice(), ["interface", "ipv6", "show", "neighbors" | "neighbours"]) {
        let text = format!("The following command was not found: {}.\n\n", args.join(" "));
        return refuse(dev, Rejection::Usage, &text);
    }
    let h = host(dev);
    let cache = &h.stack6.neighbors;
    let mut out = String::from("\nInterface 11: Ethernet\n\n\nInternet Address                              Physical Address   Type\n--------------------------------------------  -----------------  -----------\n");
    for e in cache.entries() {
        let mac = e.mac.map_or_else(|| "00-00-00-00-00-00".to_string(), windows_format).to_lowercase();
        let mut kind = e.state_at(ctx.now, cache.reachable_time).windows_name().to_string();
        if e.router {
            kind.push_str(" (Router)");
        }
        out.push_str(&format!("{:<46}{mac:<19}{kind}\n", e.addr.to_string()));
    }
    for g in h.stack6.ifaces[0].joined(false) {
        let mac = windows_format(crate::proto::ipv6::multicast_mac(g)).to_lowercase();
        out.push_str(&format!("{:<46}{mac:<19}Permanent\n", g.to_string()));
    }
    out.push('\n');
    print(dev, &out)
}

fn dns(dev: &mut Device, args: &[&str]) -> Response {
    match args.first().map(|a| a.parse::<Ipv4Addr>()) {
        Some(Ok(ip)) => {
            host(dev).dns = Some(ip);
            Response::Accepted
        }
        _ => refuse(dev, Rejection::Usage, "Usage: dns A.B.C.D\n\n"),
    }
}

/// `-n 10 -l 64 10.0.0.1` → (count, size, target)
fn ping_options(args: &[&str]) -> Result<(u32, usize, String), String> {
    let (mut count, mut size, mut target) = (4u32, 32usize, None);
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        let value = |i: usize| args.get(i + 1).ok_or_else(|| format!("Value must be supplied for option {a}."));
        match a.to_ascii_lowercase().as_str() {
            "-n" => {
                count = value(i)?
                    .parse()
                    .ok()
                    .filter(|&n| n >= 1)
                    .ok_or_else(|| format!("Bad value for option -n, valid range is from 1 to 4294967295."))?;
                i += 1;
            }
            "-l" => {
                size = value(i)?
                    .parse()
                    .ok()
                    .filter(|&n| n <= 65500)
                    .ok_or_else(|| "Bad value for option -l, valid range is from 0 to 65500.".to_string())?;
                i += 1;
            }
            "-t" => count = u32::MAX,
            s if s.starts_with('-') => return Err(format!("Bad option {a}.")),
            _ => target = Some(a.to_string()),
        }
        i += 1;
    }
    target.map(|t| (count, size, t)).ok_or_else(|| "IP address must be specified.".to_string())
}

fn ping(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let (count, size, target) = match ping_options(args) {
        Ok(v) => v,
        Err(e) => return refuse(dev, Rejection::Usage, &format!("{e}\n\n")),
    };
    // Capped so that `-t` still ends within the run's time budget.
    let count = count.min(1000);
    let Ok(dst) = target.parse::<IpAddr>() else {
        // A name: the resolver first, then the ping, under the name it resolved to.
        let not_found = format!("Ping request could not find host {target}. Please check the name and try again.\n\n");
        return by_name(dev, ctx, &target, not_found, move |dev, now, dst, name| {
            let spec = ping_spec(dst.into(), count, size);
            dev.start_session(now, spec, Box::new(WindowsPing { name: Some(name), ..WindowsPing::default() }));
        });
    };
    dev.start_session(ctx.now, ping_spec(dst, count, size), Box::new(WindowsPing::default()));
    Response::Accepted
}

fn ping_spec(dst: IpAddr, count: u32, size: usize) -> Spec {
    Spec {
        dst,
        kind: Kind::Echo,
        count,
        size,
        timeout: Duration::from_secs(4),
        pace: Pace::AfterOutcome { min_gap: Duration::from_secs(1) },
        ident: 1,
    }
}

fn trace_spec(dst: IpAddr) -> Spec {
    Spec {
        dst,
        kind: Kind::Trace { per_hop: 3, max_hops: 30, udp: false },
        count: 0,
        size: 32,
        timeout: Duration::from_secs(4),
        pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
        ident: 2,
    }
}

/// A command given a name: look it up as Windows does (a single label gets
/// the connection's DNS suffix), then `then` with the address and the name
/// it resolved to; `not_found` is printed when it cannot be resolved.
fn by_name(
    dev: &mut Device,
    ctx: &mut Ctx,
    target: &str,
    not_found: String,
    then: impl FnOnce(&mut Device, crate::sim::Time, Ipv4Addr, String) + Send + Sync + 'static,
) -> Response {
    if host(dev).dns.is_none() {
        return refuse(dev, Rejection::Refused, &not_found);
    }
    let waiter: LookupWaiter = Box::new(move |r, dev, now| match r {
        Resolution::Found { addresses, canonical, .. } => then(dev, now, addresses[0], canonical.clone()),
        _ => dev.console.push_str(&not_found),
    });
    host(dev).resolve(ctx.now, target, waiter);
    Response::Accepted
}

/// `nslookup NAME [SERVER]`: the server's own name first (a reverse lookup
/// that, with no PTR record, leaves it "UnKnown"), then the name.
fn nslookup(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let Some(name) = args.first().map(|n| n.to_string()) else {
        return refuse(dev, Rejection::Usage, "Usage: nslookup NAME [SERVER]\n\n");
    };
    // A single label gets the connection's DNS suffix, as Windows's nslookup appends it.
    let name = host(dev).qualify(&name);
    let server = match args.get(1).map(|s| s.parse::<Ipv4Addr>()) {
        Some(Ok(s)) => Some(s),
        Some(Err(_)) => {
            return refuse(dev, Rejection::Usage, &format!("*** Can't find server address for '{}':\n\n", args[1]))
        }
        None => host(dev).dns,
    };
    let Some(server) = server else {
        return print(
            dev,
            &format!("*** Default servers are not available\nServer:  UnKnown\nAddress:  127.0.0.1\n\n*** UnKnown can't find {name}: No response from server\n"),
        );
    };
    let reverse = crate::proto::dns::reverse_name(server);
    let waiter: LookupWaiter = Box::new(move |r, dev, now| {
        let Role::Host(h) = &mut dev.role else { return };
        let mut out = timeouts(h.resolver.timeouts);
        let server_name = match r {
            Resolution::Found { canonical, .. } => canonical.clone(),
            _ => "UnKnown".to_string(),
        };
        out.push_str(&format!("Server:  {server_name}\nAddress:  {server}\n\n"));
        dev.console.push_str(&out);
        let asked = name.clone();
        let answer: LookupWaiter = Box::new(move |r, dev, _| {
            let Role::Host(h) = &dev.role else { return };
            let mut out = timeouts(h.resolver.timeouts);
            match r {
                Resolution::Found { addresses, canonical, aliases, authoritative, .. } => {
                    if !authoritative {
                        out.push_str("Non-authoritative answer:\n");
                    }
                    out.push_str(&format!("Name:    {canonical}\n"));
                    if addresses.len() == 1 {
                        out.push_str(&format!("Address:  {}\n", addresses[0]));
                    } else {
                        let list: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
                        out.push_str(&format!("Addresses:  {}\n", list.join("\n          ")));
                    }
                    if !aliases.is_empty() {
                        out.push_str(&format!("Aliases:  {}\n", aliases.join("\n          ")));
                    }
                    out.push('\n');
                }
                Resolution::NotFound { .. } => {
                    out.push_str(&format!("*** {server_name} can't find {asked}: Non-existent domain\n"))
                }
                Resolution::TimedOut { .. } => out.push_str(&format!("*** Request to {server_name} timed-out\n")),
            }
            dev.console.push_str(&out);
        });
        h.lookup(now, &name, Some(server), false, &NSLOOKUP, answer);
    });
    host(dev).lookup(ctx.now, &reverse, Some(server), true, &NSLOOKUP[..1], waiter);
    Response::Accepted
}

/// `curl [-I] URL`: fetch a page (Windows 10 ships curl); `-I` asks only
/// for the headers.
fn curl(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let head = args.iter().any(|a| *a == "-I" || a.eq_ignore_ascii_case("--head"));
    let Some(target) = args.iter().find(|a| !a.starts_with('-')) else {
        return refuse(dev, Rejection::Usage, "curl: try 'curl --help' for more information\n");
    };
    let Some(url) = Url::parse(target) else {
        let scheme = target.split("://").next().unwrap_or(target);
        return refuse(dev, Rejection::Refused, &format!("curl: (1) Protocol \"{scheme}\" not supported\n"));
    };
    let waiter = move |outcome: &FetchOutcome, host: &mut Host| {
        let mut out = String::new();
        curl_output(outcome, head, &mut out);
        host.print(&out);
    };
    fn curl_output(outcome: &FetchOutcome, head: bool, out: &mut String) {
        match outcome {
            FetchOutcome::Response(r) if head => {
                out.push_str(&r.head.replace("\r\n", "\n"));
                out.push_str("\n\n");
            }
            FetchOutcome::Response(r) => {
                out.push_str(&r.body);
                if !r.body.ends_with('\n') {
                    out.push('\n');
                }
            }
            FetchOutcome::Refused { addr, port, after } => out.push_str(&format!(
                "curl: (7) Failed to connect to {addr} port {port} after {} ms: Couldn't connect to server\n",
                after.millis()
            )),
            FetchOutcome::TimedOut { addr, port, after } => out.push_str(&format!(
                "curl: (28) Failed to connect to {addr} port {port} after {} ms: Timed out\n",
                after.millis()
            )),
            FetchOutcome::Broken => out.push_str("curl: (56) Recv failure: Connection was reset\n"),
        }
    }
    match url.host.parse::<Ipv4Addr>() {
        Ok(addr) => {
            host(dev).fetch(ctx.now, &url, addr, head, Box::new(waiter));
            Response::Accepted
        }
        Err(_) => {
            let not_found = format!("curl: (6) Could not resolve host: {}\n", url.host);
            let name = url.host.clone();
            by_name(dev, ctx, &name, not_found, move |dev, now, addr, _| {
                if let Role::Host(h) = &mut dev.role {
                    h.fetch(now, &url, addr, head, Box::new(waiter));
                }
            })
        }
    }
}

/// `telnet ADDR|NAME`: a remote login on port 23; the remote box's CLI
/// answers at this prompt until it closes the session.
fn telnet(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let [target] = args else {
        return refuse(dev, Rejection::Usage, "Usage: telnet target\n\n");
    };
    remote(dev, ctx, target, Via::Telnet)
}

/// `ssh -l USER ADDR|NAME`.
fn ssh(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let (user, target) = match args {
        [flag, user, target] if *flag == "-l" => (*user, *target),
        [target, flag, user] if *flag == "-l" => (*user, *target),
        _ => return refuse(dev, Rejection::Usage, "Usage: SSH -l username target\n\n"),
    };
    remote(dev, ctx, target, Via::Ssh { user: user.to_string() })
}

fn remote(dev: &mut Device, ctx: &mut Ctx, target: &str, via: Via) -> Response {
    let start = move |dev: &mut Device, now: crate::sim::Time, addr: Ipv4Addr| {
        let seed = crate::sim::hash_name(now.nanos(), &dev.name);
        if let Role::Host(h) = &mut dev.role {
            let text = h.open_remote(now, addr, via, seed);
            h.print(&text);
        }
    };
    match target.parse::<Ipv4Addr>() {
        Ok(addr) => {
            start(dev, ctx.now, addr);
            Response::Accepted
        }
        Err(_) => {
            let not_found = "% Unrecognized host or address, or protocol not running.\n\n".to_string();
            by_name(dev, ctx, target, not_found, move |dev, now, addr, _| start(dev, now, addr))
        }
    }
}

/// `netsh dhcp server add scope NETWORK MASK NAME`, `netsh dhcp server scope
/// NETWORK add iprange START END`, `... set optionvalue 003|006 IPADDRESS
/// A...` and `... 015 STRING DOMAIN`: Windows Server's DHCP scopes.
fn netsh(dev: &mut Device, args: &[&str]) -> Response {
    use crate::device::dhcp_service::ScopeError;
    let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let words: Vec<&str> = lower.iter().map(String::as_str).collect();
    let ip = |i: usize| args.get(i).and_then(|a| a.parse::<Ipv4Addr>().ok());
    let h = host(dev);
    let result = match words.as_slice() {
        ["dhcp", "server", "add", "scope", _, _, _, ..] => match (ip(4), ip(5)) {
            (Some(net), Some(mask)) => h.dhcp_service.add_scope(net, mask, args[6]),
            _ => Err(ScopeError::BadMask),
        },
        ["dhcp", "server", "scope", _, "add", "iprange", _, _] => match (ip(3), ip(6), ip(7)) {
            (Some(net), Some(a), Some(b)) => h.dhcp_service.add_range(net, a, b),
            _ => Err(ScopeError::OutsideScope),
        },
        ["dhcp", "server", "scope", _, "set", "optionvalue", code, kind, _, ..] => {
            let values: Vec<String> = args[8..].iter().map(|v| v.to_string()).collect();
            match (ip(3), code.parse::<u8>(), *kind) {
                (Some(net), Ok(c @ (3 | 6)), "ipaddress") if values.iter().all(|v| v.parse::<Ipv4Addr>().is_ok()) => {
                    h.dhcp_service.set_option(net, c, &values)
                }
                (Some(net), Ok(15), "string") => h.dhcp_service.set_option(net, 15, &values),
                _ => Err(ScopeError::NoSuchScope),
            }
        }
        _ => {
            let text = format!("The following command was not found: {}.\n\n", args.join(" "));
            return refuse(dev, Rejection::Usage, &text);
        }
    };
    host(dev).sync_dhcp_service();
    match result {
        Ok(()) => print(dev, "\nCommand completed successfully.\n\n"),
        Err(ScopeError::NoSuchScope) => {
            refuse(dev, Rejection::Refused, "\nThe command needs a valid Scope IP Address.\n\n")
        }
        Err(ScopeError::BadMask) => {
            refuse(dev, Rejection::Refused, "\nThe specified IP address or subnet mask is not valid.\n\n")
        }
        Err(ScopeError::OutsideScope) => {
            refuse(dev, Rejection::Refused, "\nThe specified IP address range is not valid for the scope.\n\n")
        }
    }
}

/// nslookup's words for each try that timed out.
fn timeouts(n: u32) -> String {
    "DNS request timed out.\n    timeout was 2 seconds.\n".repeat(n as usize)
}

/// `dnscmd /zoneadd ZONE /primary` and `dnscmd /recordadd ZONE NAME A|CNAME VALUE`
/// (Windows Server's DNS console commands), on a Server.
fn dnscmd(dev: &mut Device, args: &[&str]) -> Response {
    use crate::proto::dns::{Record, ZoneError};
    let h = host(dev);
    let lower: Vec<String> = args.iter().map(|a| a.to_ascii_lowercase()).collect();
    let failed = |code: &str, n: u32| format!("Command failed:  {code}     {n}    0x{n:X}\n\n");
    let text = match lower.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["/zoneadd", _, "/primary", ..] => match h.dns_zones.add_zone(args[1]) {
            Ok(()) => format!("DNS Server . created zone {}:\n\nCommand completed successfully.\n\n", args[1]),
            Err(_) => failed("DNS_ERROR_INVALID_NAME", 123),
        },
        ["/recordadd", _, _, kind @ ("a" | "cname"), _] => {
            let record = if *kind == "a" {
                match args[4].parse::<Ipv4Addr>() {
                    Ok(a) => Record::A(a),
                    Err(_) => return refuse(dev, Rejection::Usage, &failed("ERROR_INVALID_PARAMETER", 87)),
                }
            } else {
                Record::Cname(args[4].to_string())
            };
            match h.dns_zones.add_record(args[1], args[2], record) {
                Ok(fqdn) => format!(
                    "Add {} Record for {fqdn} at {}\nCommand completed successfully.\n\n",
                    kind.to_ascii_uppercase(),
                    args[1]
                ),
                Err(ZoneError::NoSuchZone) => failed("DNS_ERROR_ZONE_DOES_NOT_EXIST", 9601),
                Err(ZoneError::BadName) => failed("DNS_ERROR_INVALID_NAME", 123),
            }
        }
        _ => {
            return refuse(
                dev,
                Rejection::Usage,
                "Usage: DnsCmd <ServerName> <Command> [<Command Parameters>]\n\n  /ZoneAdd <ZoneName> /Primary\n  /RecordAdd <Zone> <NodeName> A <IPAddress>\n  /RecordAdd <Zone> <NodeName> CNAME <HostName>\n\n",
            )
        }
    };
    h.sync_dns_service();
    if text.starts_with("Command failed") {
        return refuse(dev, Rejection::Refused, &text);
    }
    print(dev, &text)
}

fn tracert(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let Some(target) = args.last() else {
        return refuse(dev, Rejection::Usage, "\nUsage: tracert target_name\n\n");
    };
    let Ok(dst) = target.parse::<IpAddr>() else {
        let not_found = format!("Unable to resolve target system name {target}.\n\n");
        let target = target.to_string();
        return by_name(dev, ctx, &target, not_found, |dev, now, dst, name| {
            dev.start_session(
                now,
                trace_spec(dst.into()),
                Box::new(WindowsTrace { name: Some(name), ..WindowsTrace::default() }),
            );
        });
    };
    dev.start_session(ctx.now, trace_spec(dst), Box::new(WindowsTrace::default()));
    Response::Accepted
}

fn arp(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    match args.first().map(|a| a.to_ascii_lowercase()) {
        Some(a) if a == "-a" || a == "-g" => {
            let Role::Host(h) = &dev.role else { return Response::Accepted };
            let entries: Vec<_> = h.stack.arp.entries(ctx.now).collect();
            if entries.is_empty() {
                return print(dev, "No ARP Entries Found\n\n");
            }
            let mut out = String::from("  Internet Address      Physical Address      Type\n");
            for (ip, e) in entries {
                out.push_str(&format!("  {:<22}{:<22}dynamic\n", ip.to_string(), cisco_format(e.mac)));
            }
            out.push('\n');
            print(dev, &out)
        }
        Some(a) if a == "-d" => {
            let h = host(dev);
            match args.get(1).map(|a| a.parse::<Ipv4Addr>()) {
                None => h.stack.arp.clear(),
                Some(Ok(ip)) => h.stack.arp.remove(ip),
                Some(Err(_)) => return refuse(dev, Rejection::Usage, "The parameter is incorrect.\n\n"),
            }
            Response::Accepted
        }
        _ => refuse(dev, Rejection::Usage, "\nDisplays and modifies the IP-to-Physical address translation tables used by\naddress resolution protocol (ARP).\n\nARP -s inet_addr eth_addr [if_addr]\nARP -d inet_addr [if_addr]\nARP -a [inet_addr] [-N if_addr] [-v]\n\n"),
    }
}

fn rtt_text(rtt: Duration) -> String {
    if rtt.millis() == 0 {
        "time<1ms".into()
    } else {
        format!("time={}ms", rtt.millis())
    }
}

/// `ping` at a Windows prompt.
#[derive(Default)]
pub struct WindowsPing {
    /// The name it was given, when it was given one.
    name: Option<String>,
    dst: Option<IpAddr>,
    size: usize,
}

impl Report for WindowsPing {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        self.dst = Some(spec.dst);
        self.size = spec.size;
        let target = match &self.name {
            Some(n) => format!("{n} [{}]", spec.dst),
            None => spec.dst.to_string(),
        };
        out.push_str(&format!("\nPinging {target} with {} bytes of data:\n\n", spec.size));
    }

    fn outcome(&mut self, _index: u32, _ttl: u8, outcome: &Outcome, out: &mut String) {
        let line = match *outcome {
            // IPv6 replies carry no TTL on Windows.
            Outcome::Reply { from: from @ IpAddr::V6(_), rtt, .. } => format!("Reply from {from}: {}", rtt_text(rtt)),
            Outcome::Reply { from, rtt, ttl, bytes } => {
                format!("Reply from {from}: bytes={bytes} {} TTL={ttl}", rtt_text(rtt))
            }
            Outcome::Error { from, kind: ErrorKind::TtlExceeded, .. } => {
                format!("Reply from {from}: {WINDOWS_TTL_EXCEEDED}")
            }
            Outcome::Error { from, kind, .. } => format!("Reply from {from}: {}", unreachable_text(kind)),
            Outcome::Unresolved { from } => format!("Reply from {from}: Destination host unreachable."),
            Outcome::Timeout => "Request timed out.".into(),
            Outcome::NotSent(SendError::NoRoute | SendError::NoSourceAddress) => {
                "PING: transmit failed. General failure. ".into()
            }
        };
        out.push_str(&line);
        out.push('\n');
    }

    fn finish(&mut self, tally: &Tally, out: &mut String) {
        let sent = tally.ended;
        // Windows counts any reply, even an error, as received.
        let received = tally.answered;
        let lost = sent - received;
        let pct = (lost * 100).checked_div(sent).unwrap_or(0);
        let dst = self.dst.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        out.push_str(&format!("\nPing statistics for {dst}:\n    Packets: Sent = {sent}, Received = {received}, Lost = {lost} ({pct}% loss),\n"));
        if let Some((min, avg, max)) = tally.rtts() {
            out.push_str(&format!("Approximate round trip times in milli-seconds:\n    Minimum = {min}ms, Maximum = {max}ms, Average = {avg}ms\n"));
        }
        out.push('\n');
    }
}

fn unreachable_text(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::NetUnreachable => "Destination net unreachable.",
        ErrorKind::PortUnreachable => "Destination port unreachable.",
        ErrorKind::ProtocolUnreachable => "Destination protocol unreachable.",
        // Windows words code 13 (an access list said no) as a net unreachable.
        ErrorKind::AdminProhibited => "Destination net unreachable.",
        ErrorKind::HostUnreachable | ErrorKind::TtlExceeded => "Destination host unreachable.",
    }
}

/// `tracert` at a Windows prompt.
#[derive(Default)]
pub struct WindowsTrace {
    /// The name it was given, when it was given one.
    name: Option<String>,
    line: String,
    from: Option<IpAddr>,
    note: Option<&'static str>,
}

impl Report for WindowsTrace {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        // Given a name, Windows breaks the line after the address.
        match &self.name {
            Some(n) => out.push_str(&format!("\nTracing route to {n} [{}]\nover a maximum of 30 hops:\n\n", spec.dst)),
            None => out.push_str(&format!("\nTracing route to {} over a maximum of 30 hops: \n\n", spec.dst)),
        }
    }

    fn outcome(&mut self, index: u32, ttl: u8, outcome: &Outcome, out: &mut String) {
        if index % 3 == 0 {
            self.line = format!("{ttl:>3}   ");
            self.from = None;
            self.note = None;
        }
        let cell = match *outcome {
            Outcome::Reply { from, rtt, .. } | Outcome::Error { from, rtt, .. } => {
                self.from = Some(from);
                if let Outcome::Error { kind, .. } = outcome {
                    if *kind != ErrorKind::TtlExceeded {
                        self.note = Some(unreachable_text(*kind));
                    }
                }
                format!("{} ms", rtt.millis())
            }
            _ => "*".into(),
        };
        self.line.push_str(&format!("{cell:<10}"));
        if index % 3 == 2 {
            match (self.from, self.note) {
                (Some(f), Some(n)) => self.line.push_str(&format!("{f} reports: {n}")),
                (Some(f), None) => self.line.push_str(&f.to_string()),
                (None, _) => self.line.push_str("Request timed out."),
            }
            out.push_str(&self.line);
            out.push('\n');
        }
    }

    fn finish(&mut self, _tally: &Tally, out: &mut String) {
        out.push_str("\nTrace complete.\n\n");
    }
}

/// The lines that recreate a host's settings at its prompt.
pub fn config_lines(h: &Host) -> Vec<String> {
    let mut lines = Vec::new();
    // An adapter that obtains its address automatically is saved as such, not
    // as the lease it holds now.
    if h.dhcp_enabled() {
        lines.push("ipconfig /dhcp".to_string());
        lines.extend(ipv6_lines(h));
        lines.extend(dns_service_lines(h));
        lines.extend(h.dhcp_service.commands());
        return lines;
    }
    if let Some((addr, len)) = h.addr() {
        let mask = crate::proto::ipv4::mask_of(len);
        match h.gateway {
            Some(gw) => lines.push(format!("ipconfig {addr} {mask} {gw}")),
            None => lines.push(format!("ipconfig {addr} {mask}")),
        }
    }
    if let Some(dns) = h.dns {
        lines.push(format!("dns {dns}"));
    }
    lines.extend(ipv6_lines(h));
    lines.extend(dns_service_lines(h));
    lines.extend(h.dhcp_service.commands());
    lines
}

/// The `ipv6config` line that recreates the adapter's IPv6 settings.
fn ipv6_lines(h: &Host) -> Option<String> {
    if h.ipv6_autoconfig() {
        return Some("ipv6config autoconfig".into());
    }
    if h.ipv6_dhcp {
        return Some("ipv6config dhcp".into());
    }
    let (addr, len) = h.ipv6_static?;
    Some(match h.ipv6_gateway {
        Some(gw) => format!("ipv6config {addr}/{len} {gw}"),
        None => format!("ipv6config {addr}/{len}"),
    })
}

/// A Server's zones and records, as the dnscmd commands that make them.
fn dns_service_lines(h: &Host) -> Vec<String> {
    use crate::proto::dns::Record;
    let z = &h.dns_zones;
    let mut lines: Vec<String> = z.zones.iter().map(|zone| format!("dnscmd /zoneadd {zone} /primary")).collect();
    for (fqdn, records) in &z.records {
        // The longest zone that holds the name; the name relative to it.
        let Some(zone) = z
            .zones
            .iter()
            .filter(|zone| fqdn == *zone || fqdn.ends_with(&format!(".{zone}")))
            .max_by_key(|zone| zone.len())
        else {
            continue;
        };
        let node = if fqdn == zone { "@".to_string() } else { fqdn[..fqdn.len() - zone.len() - 1].to_string() };
        for r in records {
            match r {
                Record::A(a) => lines.push(format!("dnscmd /recordadd {zone} {node} A {a}")),
                Record::Cname(t) => lines.push(format!("dnscmd /recordadd {zone} {node} CNAME {t}")),
            }
        }
    }
    lines
}
