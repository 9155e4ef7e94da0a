//! The command prompt of a host (`C:\>`): ipconfig, ping, tracert, arp, in
//! the wording Windows uses.

use std::net::Ipv4Addr;

use super::{Rejection, Response};
use crate::cli::clock::Civil;
use crate::device::{Addressing, Ctx, Device, DhcpOutcome, DhcpWaiter, Host, Role};
use crate::proto::ethernet::{cisco_format, windows_format};
use crate::proto::icmp::ErrorKind;
use crate::proto::ip_stack::SendError;
use crate::proto::ipv4::{mask_of, prefix_len};
use crate::proto::probe::{Kind, Outcome, Pace, Report, Spec};
use crate::sim::Duration;

const WINDOWS_TTL_EXCEEDED: &str = "TTL expired in transit.";

pub fn type_line(dev: &mut Device, ctx: &mut Ctx, line: &str) -> Response {
    let words: Vec<&str> = line.split_whitespace().collect();
    let Some(cmd) = words.first() else {
        return Response::Accepted;
    };
    let args = &words[1..];
    match cmd.to_ascii_lowercase().as_str() {
        "ipconfig" => ipconfig(dev, ctx, args),
        "ping" => ping(dev, ctx, args),
        "tracert" => tracert(dev, ctx, args),
        "arp" => arp(dev, ctx, args),
        "dns" => dns(dev, args),
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

const HELP: &str = "\nAvailable Commands\n?         Display the list of available commands\narp       Display the arp table\ndns       Set the DNS server (dns A.B.C.D)\nhelp      Display the list of available commands\nipconfig  Display network configuration, or set it (ipconfig IP MASK [GATEWAY])\nping      Send echo messages\ntracert   Trace route to destination\n\n";

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
        DhcpOutcome::GaveUp(_) => out.push_str("DHCP request failed. \n"),
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
    let b = mac.0;
    let link_local = format!(
        "FE80::{:X}:{:X}FF:FE{:X}:{:X}",
        (u16::from(b[0] ^ 2) << 8) | u16::from(b[1]),
        b[2],
        b[3],
        (u16::from(b[4]) << 8) | u16::from(b[5])
    );
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
            "   Link-local IPv6 Address.........: {link_local}\n   IPv6 Address....................: ::\n"
        ));
        out.push_str(&format!("{ipv4_label}{ip}\n   Subnet Mask.....................: {mask}\n"));
        if let Some(l) = lease {
            out.push_str(&format!("   Lease Obtained..................: {}\n", Civil::at(l.obtained).windows_long()));
            let expires = l.expires.map_or("Infinite".to_string(), |e| Civil::at(e).windows_long());
            out.push_str(&format!("   Lease Expires...................: {expires}\n"));
        }
        out.push_str(&format!("   Default Gateway.................: ::\n                                     {gw}\n"));
        out.push_str(&format!(
            "   DHCP Servers....................: {}\n",
            lease.map_or(Ipv4Addr::UNSPECIFIED, |l| l.server)
        ));
        out.push_str(&format!(
            "   DNS Servers.....................: ::\n                                     {}\n\n",
            h.dns.map_or("0.0.0.0".into(), |d| d.to_string())
        ));
    } else {
        out.push_str(&format!("   Connection-specific DNS Suffix..: {suffix}\n"));
        out.push_str(&format!(
            "   Link-local IPv6 Address.........: {link_local}\n   IPv6 Address....................: ::\n"
        ));
        out.push_str(&format!("{ipv4_label}{ip}\n   Subnet Mask.....................: {mask}\n"));
        out.push_str(&format!(
            "   Default Gateway.................: ::\n                                     {gw}\n\n"
        ));
    }
    out
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
    let Ok(dst) = target.parse::<Ipv4Addr>() else {
        let text = format!("Ping request could not find host {target}. Please check the name and try again.\n\n");
        return refuse(dev, Rejection::Refused, &text);
    };
    // Capped so that `-t` still ends within the run's time budget.
    let count = count.min(1000);
    let spec = Spec {
        dst,
        kind: Kind::Echo,
        count,
        size,
        timeout: Duration::from_secs(4),
        pace: Pace::AfterOutcome { min_gap: Duration::from_secs(1) },
        ident: 1,
    };
    dev.start_session(ctx.now, spec, Box::new(WindowsPing::default()));
    Response::Accepted
}

fn tracert(dev: &mut Device, ctx: &mut Ctx, args: &[&str]) -> Response {
    let Some(target) = args.last() else {
        return refuse(dev, Rejection::Usage, "\nUsage: tracert target_name\n\n");
    };
    let Ok(dst) = target.parse::<Ipv4Addr>() else {
        return refuse(dev, Rejection::Refused, &format!("Unable to resolve target system name {target}.\n\n"));
    };
    let spec = Spec {
        dst,
        kind: Kind::Trace { per_hop: 3, max_hops: 30, udp: false },
        count: 0,
        size: 32,
        timeout: Duration::from_secs(4),
        pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
        ident: 2,
    };
    dev.start_session(ctx.now, spec, Box::new(WindowsTrace::default()));
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
    dst: Option<Ipv4Addr>,
    size: usize,
}

impl Report for WindowsPing {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        self.dst = Some(spec.dst);
        self.size = spec.size;
        out.push_str(&format!("\nPinging {} with {} bytes of data:\n\n", spec.dst, spec.size));
    }

    fn outcome(&mut self, _index: u32, _ttl: u8, outcome: &Outcome, out: &mut String) {
        let line = match *outcome {
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

    fn finish(&mut self, outcomes: &[Outcome], out: &mut String) {
        let sent = outcomes.len();
        // Windows counts any reply, even an error, as received.
        let received = outcomes
            .iter()
            .filter(|o| matches!(o, Outcome::Reply { .. } | Outcome::Error { .. } | Outcome::Unresolved { .. }))
            .count();
        let lost = sent - received;
        let pct = if sent == 0 { 0 } else { lost * 100 / sent };
        let dst = self.dst.unwrap_or(Ipv4Addr::UNSPECIFIED);
        out.push_str(&format!("\nPing statistics for {dst}:\n    Packets: Sent = {sent}, Received = {received}, Lost = {lost} ({pct}% loss),\n"));
        let rtts: Vec<u64> = outcomes
            .iter()
            .filter_map(|o| if let Outcome::Reply { rtt, .. } = o { Some(rtt.millis()) } else { None })
            .collect();
        if !rtts.is_empty() {
            let (min, max) = (rtts.iter().min().copied().unwrap_or(0), rtts.iter().max().copied().unwrap_or(0));
            let avg = rtts.iter().sum::<u64>() / rtts.len() as u64;
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
        ErrorKind::AdminProhibited => "Communication administratively prohibited.",
        ErrorKind::HostUnreachable | ErrorKind::TtlExceeded => "Destination host unreachable.",
    }
}

/// `tracert` at a Windows prompt.
#[derive(Default)]
pub struct WindowsTrace {
    line: String,
    from: Option<Ipv4Addr>,
    note: Option<&'static str>,
}

impl Report for WindowsTrace {
    fn start(&mut self, spec: &Spec, out: &mut String) {
        out.push_str(&format!("\nTracing route to {} over a maximum of 30 hops: \n\n", spec.dst));
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

    fn finish(&mut self, _outcomes: &[Outcome], out: &mut String) {
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
    lines
}
