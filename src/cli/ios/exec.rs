//! EXEC modes (user `>` and privileged `#`): moving between modes, ping,
//! traceroute, saving and erasing the configuration, reload, `clear` (ARP,
//! MAC table, OSPF processes after their question), and `show`.

use super::show;
use super::tree::Arg;
use super::{arg, kw};
use super::{Cx, Handler, Tree};
use crate::cli::{Rejection, Response};
use crate::device::ios::{Confirmable, Question};
use crate::device::remote::Via;
use crate::device::{Ctx, Device, Ios, Mode, Role};
use crate::proto::probe::{Kind, Pace, Spec};
use crate::sim::Duration;

use super::report::{IosPing, IosTrace};

pub fn tree(privileged: bool) -> Tree {
    let mut t: Tree = vec![
        kw("enable", "Turn on privileged commands").plain(enable),
        kw("exit", "Exit from the EXEC").plain(logout),
        kw("logout", "Exit from the EXEC").plain(logout),
        kw("ping", "Send echo messages").sub(ping_args()),
        kw("traceroute", "Trace route to destination").sub(vec![
            arg(Arg::Ipv4, "Trace route to destination address or hostname").plain(traceroute),
            arg(Arg::Word, "Trace route to destination address or hostname").plain(traceroute),
            kw("ip", "IP Trace")
                .sub(vec![arg(Arg::Word, "Trace route to destination address or hostname").plain(traceroute)]),
            kw("ipv6", "IPv6 trace")
                .sub(vec![arg(Arg::Word, "Trace route to destination address or hostname").plain(traceroute)]),
        ]),
        kw("show", "Show running system information").sub(show::tree(privileged)),
        kw("ssh", "Open a secure shell client connection").sub(vec![
            kw("-l", "Log in using this user name").sub(vec![arg(Arg::Word, "Login name").sub(vec![arg(
                Arg::Word,
                "IP address or hostname of a remote system",
            )
            .plain(ssh)])]),
            kw("-v", "Specify SSH Protocol Version").sub(vec![arg(Arg::Num(1, 2), "Protocol version").sub(vec![kw(
                "-l",
                "Log in using this user name",
            )
            .sub(vec![arg(Arg::Word, "Login name").sub(vec![arg(
                Arg::Word,
                "IP address or hostname of a remote system",
            )
            .plain(ssh)])])])]),
        ]),
        kw("telnet", "Open a telnet connection")
            .sub(vec![arg(Arg::Word, "IP address or hostname of a remote system").plain(telnet)]),
        kw("terminal", "Set terminal line parameters").sub(vec![
            kw("length", "Set number of lines on a screen").sub(vec![arg(
                Arg::Num(0, 512),
                "Number of lines on screen (0 for no pausing)",
            )
            .plain(terminal_length)]),
            kw("no", "Negate a command or set its defaults").sub(vec![kw(
                "monitor",
                "Copy debug output to the current terminal line",
            )
            .plain(terminal_monitor)]),
            kw("monitor", "Copy debug output to the current terminal line").plain(terminal_monitor),
        ]),
    ];
    if privileged {
        t.extend(vec![
            kw("configure", "Enter configuration mode")
                .sub(vec![kw("terminal", "Configure from the terminal").plain(configure)]),
            kw("disable", "Turn off privileged commands").plain(disable),
            kw("copy", "Copy from one file to another").sub(vec![
                kw("running-config", "Copy from current system configuration").sub(vec![kw(
                    "startup-config",
                    "Copy to startup configuration",
                )
                .plain(copy_run_start)]),
                kw("startup-config", "Copy from startup configuration").sub(vec![kw(
                    "running-config",
                    "Update (merge with) current system configuration",
                )
                .plain(copy_start_run)]),
            ]),
            kw("write", "Write running configuration to memory, network, or terminal").plain(write_memory).sub(vec![
                kw("memory", "Write to NV memory").plain(write_memory),
                kw("erase", "Erase NV memory").plain(erase),
                kw("terminal", "Write to terminal").plain(show::running_config_handler),
            ]),
            kw("erase", "Erase a filesystem").sub(vec![
                kw("startup-config", "Erase contents of configuration memory").plain(erase),
                kw("nvram:", "Erase contents of configuration memory").plain(erase),
            ]),
            kw("reload", "Halt and perform a cold restart").plain(reload),
            kw("clear", "Reset functions").sub(vec![
                super::acl::clear(),
                kw("arp-cache", "Clear the entire ARP cache").plain(clear_arp),
                super::ipv6::clear(),
                kw("ip", "IP").when(|m| m != crate::base::Model::Switch).sub(vec![
                    super::services::clear_ip_dhcp(),
                    super::services::clear_ip_nat(),
                    kw("ospf", "OSPF clear commands").sub(vec![
                        kw("process", "Reset OSPF process").plain(clear_ospf),
                        arg(Arg::Num(1, 65535), "Process ID number")
                            .sub(vec![kw("process", "Reset OSPF process").plain(clear_ospf)]),
                    ]),
                ]),
                kw("mac", "MAC forwarding table")
                    .sub(vec![kw("address-table", "MAC forwarding table").sub(vec![kw(
                        "dynamic",
                        "dynamic entry type",
                    )
                    .plain(clear_mac)])])
                    .when(|m| m.is_switch()),
            ]),
        ]);
    }
    t
}

fn ping_args() -> Tree {
    let options = || -> Tree {
        vec![
            kw("repeat", "specify repeat count")
                .sub(vec![arg(Arg::Num(1, 2_147_483_647), "Repeat count").plain(ping).sub(vec![])]),
            kw("size", "specify datagram size").sub(vec![arg(Arg::Num(36, 18024), "Datagram size").plain(ping)]),
            kw("timeout", "specify timeout interval")
                .sub(vec![arg(Arg::Num(0, 3600), "Timeout in seconds").plain(ping)]),
            kw("source", "specify source address or name")
                .sub(vec![arg(Arg::Ipv4, "Source address").plain(ping), arg(Arg::Iface, "").plain(ping)]),
        ]
    };
    // Options may come in any order: each option's value leads back to the options.
    fn with_options(
        mut n: super::tree::Node<Handler>,
        depth: usize,
        options: &dyn Fn() -> Tree,
    ) -> super::tree::Node<Handler> {
        if depth == 0 {
            return n;
        }
        let opts = options()
            .into_iter()
            .map(|mut o| {
                o.children = o.children.into_iter().map(|v| with_options(v, depth - 1, options)).collect();
                o
            })
            .collect();
        n.children = opts;
        n
    }
    let address = || {
        vec![
            with_options(arg(Arg::Ipv4, "Ping destination address or hostname").plain(ping), 3, &options),
            with_options(arg(Arg::Word, "Ping destination address or hostname").plain(ping), 3, &options),
        ]
    };
    let mut t = address();
    t.push(kw("ip", "IP echo").sub(address()));
    t.push(kw("ipv6", "IPv6 echo").sub(address()));
    t
}

/// `terminal [no] monitor`: log messages also reach this (vty) terminal.
fn terminal_monitor(cx: &mut Cx) {
    let on = !cx.has("no");
    cx.ios().terminal.monitor = on;
}

fn enable(cx: &mut Cx) {
    let ios = cx.ios();
    if ios.terminal.mode != Mode::UserExec {
        return;
    }
    let remote = ios.active != crate::device::TerminalId::Console;
    if remote && ios.system.enable_secret.is_none() && ios.system.enable_password.is_none() {
        // A remote terminal gets privileged mode only with a password to check.
        cx.reject(Rejection::Refused, "% No password set\n");
        return;
    }
    if ios.system.enable_secret.is_some() || ios.system.enable_password.is_some() {
        ios.terminal.question = Some(Question::EnablePassword { tries: 0 });
        cx.print("Password: ");
    } else {
        ios.terminal.mode = Mode::PrivExec;
    }
}

fn disable(cx: &mut Cx) {
    cx.ios().terminal.mode = Mode::UserExec;
}

fn logout(cx: &mut Cx) {
    if let crate::device::TerminalId::Vty(line) = cx.ios().active {
        // A remote session ends: the client hears the connection close.
        let now = cx.now;
        cx.ios().vty_logout(now, line, "");
        return;
    }
    let name = cx.ios().system.hostname.clone();
    cx.ios().terminal.mode = Mode::UserExec;
    cx.print(&format!("\n{name} con0 is now available\n\n\n\n\n\nPress RETURN to get started.\n\n\n"));
}

fn configure(cx: &mut Cx) {
    cx.ios().terminal.mode = Mode::Config;
    cx.print("Enter configuration commands, one per line.  End with CNTL/Z.\n");
}

fn terminal_length(cx: &mut Cx) {
    let n = cx.num(0).unwrap_or(24);
    cx.ios().terminal.terminal_length = n;
}

fn clear_arp(cx: &mut Cx) {
    cx.ios().stack.arp.clear();
}

/// `clear ip ospf [PID] process` asks first; [`answer`] resets.
fn clear_ospf(cx: &mut Cx) {
    let pid = cx.num(0);
    cx.ios().terminal.question = Some(Question::ResetOspf { pid });
    cx.print(&reset_ospf_prompt(pid));
}

fn reset_ospf_prompt(pid: Option<u32>) -> String {
    match pid {
        None => "Reset ALL OSPF processes? [no]: ".to_string(),
        Some(p) => format!("Reset OSPF process {p}? [no]: "),
    }
}

fn clear_mac(cx: &mut Cx) {
    if let Some(b) = cx.ios().bridge.as_mut() {
        b.macs.clear_dynamic();
    }
}

fn copy_run_start(cx: &mut Cx) {
    cx.ios().terminal.question = Some(Question::CopyDestination);
    cx.print("Destination filename [startup-config]? ");
}

fn copy_start_run(cx: &mut Cx) {
    let Some(startup) = cx.ios().system.startup_config.clone() else {
        cx.reject(Rejection::Refused, "%% Non-volatile configuration memory invalid or not present\n\n");
        return;
    };
    apply_config_text(cx.dev, cx.now, cx.out, &startup);
    let name = cx.ios().system.hostname.clone();
    cx.print(&format!("{} bytes copied in 0.416 secs\n{name}#", startup.len()));
    super::configured(cx.dev);
}

fn write_memory(cx: &mut Cx) {
    save_startup(cx.dev);
    cx.print("Building configuration...\n[OK]\n");
}

fn save_startup(dev: &mut Device) {
    let text = super::running_config::startup_text(dev);
    if let Role::Ios(ios) = &mut dev.role {
        ios.system.startup_config = Some(text);
        // The RSA keys go to private NVRAM with it, and survive a reload.
        ios.system.rsa_saved = ios.system.rsa_modulus;
    }
}

fn erase(cx: &mut Cx) {
    cx.ios().terminal.question = Some(Question::Confirm(Confirmable::EraseStartup));
    cx.print("Erasing the nvram filesystem will remove all configuration files! Continue? [confirm]");
}

fn reload(cx: &mut Cx) {
    cx.ios().terminal.question = Some(Question::Confirm(Confirmable::Reload));
    cx.print("Proceed with reload? [confirm]");
}

/// Where a ping or traceroute goes: an address, a name in the host table,
/// or a name DNS must find (the command starts when it is found).
enum Target {
    Address(std::net::IpAddr),
    LookingUp,
    Unknown,
}

/// The target of a ping or traceroute; for a name, `then` starts the probe
/// once DNS answers ("Translating ... [OK]" first, as IOS prints).
fn resolve_target(
    cx: &mut Cx,
    then: impl FnOnce(&mut Device, crate::sim::Time, std::net::IpAddr) + Send + Sync + 'static,
) -> Target {
    // `ping ipv6 X`: the address comes after the keyword.
    let at = if cx.has("ipv6") || cx.has("ip") { 2 } else { 1 };
    resolve_value(cx, at, then)
}

/// The address or name in value `at` of the line (see [`resolve_target`]).
fn resolve_value(
    cx: &mut Cx,
    at: usize,
    then: impl FnOnce(&mut Device, crate::sim::Time, std::net::IpAddr) + Send + Sync + 'static,
) -> Target {
    const UNRECOGNIZED: &str = "% Unrecognized host or address, or protocol not running.\n\n";
    match cx.values.get(at) {
        Some(super::Value::Ip(ip)) => Target::Address((*ip).into()),
        Some(super::Value::Word(name)) => {
            let name = name.clone();
            if let Ok(a) = name.parse() {
                return Target::Address(a);
            }
            let ios = cx.ios();
            if let Some(a) = ios.system.host_address(&name) {
                return Target::Address(a.into());
            }
            if !ios.system.domain_lookup {
                cx.reject(Rejection::Refused, UNRECOGNIZED);
                return Target::Unknown;
            }
            let server = ios.name_server();
            cx.print(&format!("Translating \"{name}\"...domain server ({server})"));
            let waiter: crate::device::LookupWaiter = Box::new(move |r, dev, now| match r {
                crate::proto::dns::Resolution::Found { addresses, .. } => {
                    dev.console.push_str(" [OK]\n");
                    then(dev, now, addresses[0].into());
                }
                _ => dev.console.push_str(&format!("\n{UNRECOGNIZED}")),
            });
            let now = cx.now;
            cx.ios().lookup(now, &name, waiter);
            Target::LookingUp
        }
        _ => {
            cx.reject(Rejection::Refused, UNRECOGNIZED);
            Target::Unknown
        }
    }
}

/// `telnet HOST`: a remote login on the host's port 23.
fn telnet(cx: &mut Cx) {
    // A name is announced with its address: `Trying R1 (10.0.12.1)... `.
    let name = match cx.values.get(1) {
        Some(super::Value::Word(w)) if w.parse::<std::net::IpAddr>().is_err() => Some(w.clone()),
        _ => None,
    };
    let start = move |dev: &mut Device, now, dst| match &name {
        Some(n) => {
            dev.console.push_str(&format!("Trying {n} ({dst})... "));
            open_remote(dev, now, dst, Via::Telnet, false)
        }
        None => open_remote(dev, now, dst, Via::Telnet, true),
    };
    if let Target::Address(dst) = resolve_value(cx, 1, start.clone()) {
        let now = cx.now;
        start(cx.dev, now, dst);
    }
}

/// `ssh [-v 2] -l USER HOST`.
fn ssh(cx: &mut Cx) {
    if cx.num(0) == Some(1) {
        cx.reject(Rejection::Refused, "% SSH version 1 is not supported by this client\n");
        return;
    }
    let Some(user) = cx.word(0).map(str::to_string) else { return };
    let at = cx.values.len() - 1;
    let start = move |dev: &mut Device, now, dst| open_remote(dev, now, dst, Via::Ssh { user }, false);
    if let Target::Address(dst) = resolve_value(cx, at, start.clone()) {
        let now = cx.now;
        start(cx.dev, now, dst);
    }
}

pub(super) fn open_remote(dev: &mut Device, now: crate::sim::Time, dst: std::net::IpAddr, via: Via, announce: bool) {
    let std::net::IpAddr::V4(dst) = dst else {
        // The box's TCP runs over IPv4 only, so far.
        dev.console.push_str("% Telnet and SSH over IPv6 are not supported in wirelab yet\n");
        return;
    };
    if let Role::Ios(i) = &mut dev.role {
        let text = i.open_remote(now, dst, via, announce);
        dev.console.push_str(&text);
    }
}

fn next_ident(ios: &mut Ios) -> u16 {
    ios.terminal.probe_ident = ios.terminal.probe_ident.wrapping_add(1);
    ios.terminal.probe_ident
}

fn ping(cx: &mut Cx) {
    let value_after = |cx: &Cx, key: &str| {
        let pos = cx.values.iter().position(|v| matches!(v, super::Value::Key(k) if *k == key))?;
        match cx.values.get(pos + 1) {
            Some(super::Value::Num(n)) => Some(*n),
            _ => None,
        }
    };
    let count = value_after(cx, "repeat").unwrap_or(5);
    let size = value_after(cx, "size").unwrap_or(100) as usize;
    let timeout = value_after(cx, "timeout").unwrap_or(2);
    let ident = next_ident(cx.ios());
    let spec = move |dst| Spec {
        dst,
        kind: Kind::Echo,
        count,
        size: size.saturating_sub(super::report::header_len(dst)),
        timeout: Duration::from_secs(u64::from(timeout)),
        pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
        ident,
    };
    let start = move |dev: &mut Device, now, dst| dev.start_session(now, spec(dst), Box::new(IosPing::default()));
    if let Target::Address(dst) = resolve_target(cx, start) {
        let now = cx.now;
        start(cx.dev, now, dst);
    }
}

fn traceroute(cx: &mut Cx) {
    let ident = 49152 + next_ident(cx.ios()) % 16000;
    let spec = move |dst| Spec {
        dst,
        kind: Kind::Trace { per_hop: 3, max_hops: 30, udp: true },
        count: 0,
        size: 12,
        timeout: Duration::from_secs(3),
        pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
        ident,
    };
    let start = move |dev: &mut Device, now, dst| dev.start_session(now, spec(dst), Box::new(IosTrace::default()));
    if let Target::Address(dst) = resolve_target(cx, start) {
        let now = cx.now;
        start(cx.dev, now, dst);
    }
}

/// Feed configuration text through the CLI in global configuration mode, as
/// IOS does with a startup-config at boot.
pub fn apply_config_text(dev: &mut Device, now: crate::sim::Time, out: &mut crate::device::Outbox, text: &str) {
    let saved = match &mut dev.role {
        Role::Ios(i) => std::mem::replace(&mut i.terminal.mode, Mode::Config),
        Role::Host(_) => return,
    };
    // Boot-time parsing is silent but for the lines refused, whose errors stay visible.
    for line in text.lines() {
        let mark = dev.console.len();
        let mut ctx = Ctx { now, out: &mut *out };
        let refused = super::type_line(dev, &mut ctx, line).is_rejected();
        let produced = dev.console.split_off(mark);
        if refused {
            dev.console.extend(produced.lines().filter(|l| l.starts_with('%')).map(|l| format!("{l}\n")));
        }
    }
    if let Role::Ios(i) = &mut dev.role {
        i.terminal.mode = saved;
        i.terminal.banner_in_progress = None;
        // Reading a configuration at boot is not configuring from a terminal.
        i.pending_log = i.pending_log.replace("\n%SYS-5-CONFIG_I: Configured from console by console\n", "");
    }
}

/// The next line typed after IOS asked a question.
pub fn answer(dev: &mut Device, ctx: &mut Ctx, q: Question, line: &str) -> Response {
    let Role::Ios(ios) = &mut dev.role else { return Response::Accepted };
    match q {
        Question::EnablePassword { tries } => {
            let ok = match (&ios.system.enable_secret, &ios.system.enable_password) {
                (Some(secret), _) => secret.matches(line),
                (None, Some(pw)) => pw.matches(line),
                (None, None) => true,
            };
            dev.console.push('\n');
            if ok {
                ios.terminal.mode = Mode::PrivExec;
            } else if tries + 1 < 3 {
                ios.terminal.question = Some(Question::EnablePassword { tries: tries + 1 });
                dev.console.push_str("Password: ");
            } else {
                dev.console.push_str("% Bad secrets\n\n");
                return Response::Rejected(Rejection::Refused);
            }
        }
        Question::CopyDestination => {
            let name = line.trim();
            if name.is_empty() || "startup-config".starts_with(name) {
                save_startup(dev);
                dev.console.push_str("Building configuration...\n[OK]\n");
            } else {
                dev.console.push_str("%Error opening flash:/ (Permission denied)\n");
                return Response::Rejected(Rejection::Refused);
            }
        }
        Question::RsaModulus => {
            let bits: u32 = if line.trim().is_empty() { 512 } else { line.trim().parse().unwrap_or(0) };
            if (360..=4096).contains(&bits) {
                let first = ios.system.rsa_modulus.replace(bits).is_none();
                dev.console.push_str(&format!(
                    "% Generating {bits} bit RSA keys, keys will be non-exportable...\n[OK] (elapsed time was 1 seconds)\n\n"
                ));
                if first {
                    dev.console.push_str("%SSH-5-ENABLED: SSH 1.99 has been enabled\n");
                }
            } else {
                dev.console.push_str("% A decimal number between 360 and 4096.\n");
                return Response::Rejected(Rejection::Refused);
            }
        }
        Question::ReplaceRsaKeys { bits } => {
            let word = line.trim().to_ascii_lowercase();
            if !word.is_empty() && "yes".starts_with(&word) {
                super::config::generate_rsa(dev, bits);
            } else if word.is_empty() || !"no".starts_with(&word) {
                ios.terminal.question = Some(Question::ReplaceRsaKeys { bits });
                dev.console
                    .push_str("% Please answer 'yes' or 'no'.\n% Do you really want to replace them? [yes/no]: ");
            }
        }
        Question::ResetOspf { pid } => {
            // `[no]` is the default: an empty line (or any abbreviation of
            // `no`) leaves the processes alone; anything else is asked again.
            let word = line.trim().to_ascii_lowercase();
            if !word.is_empty() && "yes".starts_with(&word) {
                match pid {
                    None => ios.clear_ospf(ctx.now),
                    Some(p) => ios.clear_ospf_process(ctx.now, p),
                }
            } else if !word.is_empty() && !"no".starts_with(&word) {
                ios.terminal.question = Some(Question::ResetOspf { pid });
                dev.console.push_str("% Please answer 'yes' or 'no'.\n");
                dev.console.push_str(&reset_ospf_prompt(pid));
            }
        }
        Question::ResetOspf6 => {
            let word = line.trim().to_ascii_lowercase();
            if !word.is_empty() && "yes".starts_with(&word) {
                ios.clear_ospf6(ctx.now);
            } else if !word.is_empty() && !"no".starts_with(&word) {
                ios.terminal.question = Some(Question::ResetOspf6);
                dev.console.push_str("% Please answer 'yes' or 'no'.\n");
                dev.console.push_str(super::ospf6::RESET_PROMPT);
            }
        }
        Question::Confirm(what) => {
            let yes = line.trim().is_empty()
                || line.trim().eq_ignore_ascii_case("y")
                || line.trim().eq_ignore_ascii_case("yes");
            dev.console.push('\n');
            if !yes {
                return Response::Accepted;
            }
            match what {
                Confirmable::EraseStartup => {
                    ios.system.startup_config = None;
                    dev.console.push_str(
                        "[OK]\nErase of nvram: complete\n%SYS-7-NV_BLOCK_INIT: Initialized the geometry of nvram\n",
                    );
                }
                Confirmable::Reload => reload_now(dev, ctx),
            }
        }
    }
    Response::Accepted
}

/// Restart the box: forget the running state, boot from the startup-config.
fn reload_now(dev: &mut Device, ctx: &mut Ctx) {
    let Role::Ios(old) = &mut dev.role else { return };
    let startup = old.system.startup_config.clone();
    let keys = old.system.rsa_saved;
    let base_mac = old.bridge.as_ref().map_or(dev.ports[0].mac, |b| b.svi_mac);
    // Remote logins end as the box goes down; their last segments still leave.
    old.vty_close_all(ctx.now);
    let leaving = std::mem::take(&mut old.stack.out);
    let fresh = Ios::new(dev.model, &dev.ports, base_mac, ctx.now);
    **old = fresh;
    if let Role::Ios(i) = &mut dev.role {
        i.system.startup_config = startup.clone();
        i.system.rsa_saved = keys;
        i.system.rsa_modulus = keys;
        i.stack.out = leaving;
        ctx.out.admin_changed.extend(0..dev.ports.len());
    }
    dev.session = None;
    dev.console.push_str("\nSystem Bootstrap, Version 16.9(4), RELEASE SOFTWARE\n\n");
    if let Some(text) = startup {
        apply_config_text(dev, ctx.now, ctx.out, &text);
        if let Role::Ios(i) = &mut dev.role {
            i.ospf_startup_done(ctx.now);
        }
    }
    // Ports that were up are still cabled: re-announce their state to the new state.
    let ports = dev.ports.clone();
    if let Role::Ios(i) = &mut dev.role {
        for (p, port) in ports.iter().enumerate() {
            if port.link_up {
                if let Some(s) = i.ifaces.iter().find(|f| f.port == Some(p)).and_then(|f| f.stack) {
                    let up = !i.ifaces.iter().find(|f| f.port == Some(p)).is_some_and(|f| f.shutdown);
                    i.set_l3_up(s, up);
                }
            }
        }
        i.refresh_logical(&ports);
    }
    dev.console.push_str("\nPress RETURN to get started!\n\n");
}
