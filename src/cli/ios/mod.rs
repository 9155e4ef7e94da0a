//! The IOS CLI: the mode a terminal is in picks a command tree; a typed line is
//! parsed against it (with `no`, `default` and `do` handled here, once for all
//! modes) and its handler changes the device's state or prints.

mod acl;
mod acl_syntax;
mod config;
mod exec;
mod hsrp;
mod ipv6;
mod ospf6;
mod ospf_show;
mod protocols;
mod report;
mod rip;
mod routing;
pub mod running_config;
mod services;
pub mod show;
mod snooping;
mod switching;

use std::sync::OnceLock;

use super::tree::{self, Node, Parsed, Value};
use super::{Rejection, Response};
use crate::base::{IfaceName, Model};
use crate::device::{Ctx, Device, Ios, Mode, Outbox, Port, Role};
use crate::sim::Time;

pub use report::{IosPing, IosTrace};

/// What a handler works with.
pub struct Cx<'a> {
    pub dev: &'a mut Device,
    pub now: Time,
    pub out: &'a mut Outbox,
    pub negated: bool,
    pub values: Vec<Value>,
    /// The terminal column where each value's word began (prompt included).
    pub columns: Vec<usize>,
    /// What the line came to; handlers that refuse it say so with [`Cx::reject`].
    pub response: Response,
}

pub type Handler = for<'a, 'b> fn(&'a mut Cx<'b>);
pub type Tree = Vec<Node<Handler>>;

/// A keyword node of an IOS tree (typed here so handlers coerce to [`Handler`]).
pub fn kw(word: &'static str, help: &'static str) -> Node<Handler> {
    tree::kw(word, help)
}

/// An argument node of an IOS tree.
pub fn arg(kind: tree::Arg, help: &'static str) -> Node<Handler> {
    tree::arg(kind, help)
}

impl Cx<'_> {
    pub fn ios(&mut self) -> &mut Ios {
        match &mut self.dev.role {
            Role::Ios(i) => i,
            Role::Host(_) => unreachable!("IOS handlers run on IOS devices"),
        }
    }

    /// The IOS state, the console and the ports at once.
    pub fn parts(&mut self) -> (&mut Ios, &mut String, &[Port]) {
        match &mut self.dev.role {
            Role::Ios(i) => (i, &mut self.dev.console, &self.dev.ports),
            Role::Host(_) => unreachable!("IOS handlers run on IOS devices"),
        }
    }

    pub fn print(&mut self, text: &str) {
        self.dev.console.push_str(text);
    }

    /// Refuse the line, printing IOS's message for it.
    pub fn reject(&mut self, why: Rejection, text: &str) {
        self.dev.console.push_str(text);
        self.response = Response::Rejected(why);
    }

    /// Refuse the line with `% Invalid input detected at '^' marker.`, the caret at `column`.
    pub fn invalid_at(&mut self, column: usize) {
        self.reject(Rejection::Invalid { column }, &caret(column));
    }

    pub fn has(&self, key: &str) -> bool {
        self.values.iter().any(|v| matches!(v, Value::Key(k) if *k == key))
    }

    pub fn ip(&self, n: usize) -> Option<std::net::Ipv4Addr> {
        self.values.iter().filter_map(|v| if let Value::Ip(ip) = v { Some(*ip) } else { None }).nth(n)
    }

    pub fn num(&self, n: usize) -> Option<u32> {
        self.values.iter().filter_map(|v| if let Value::Num(x) = v { Some(*x) } else { None }).nth(n)
    }

    pub fn word(&self, n: usize) -> Option<&str> {
        self.values.iter().filter_map(|v| if let Value::Word(w) = v { Some(w.as_str()) } else { None }).nth(n)
    }

    pub fn iface(&self) -> Option<&IfaceName> {
        self.values.iter().find_map(|v| if let Value::Iface(i) = v { Some(i) } else { None })
    }

    pub fn rest(&self) -> Option<&str> {
        self.values.iter().find_map(|v| if let Value::Rest(r) = v { Some(r.as_str()) } else { None })
    }

    /// The terminal column of the last free-form argument (for a caret under it).
    pub fn rest_column(&self) -> Option<usize> {
        self.values
            .iter()
            .zip(&self.columns)
            .rev()
            .find(|(v, _)| matches!(v, Value::Rest(_) | Value::Word(_)))
            .map(|(_, c)| *c)
    }

    /// The keyword right after the first number (`access-list 10 permit`).
    pub fn key_after_num(&self) -> Option<&'static str> {
        let pos = self.values.iter().position(|v| matches!(v, Value::Num(_)))?;
        match self.values.get(pos + 1) {
            Some(Value::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// The keyword that followed `after` in the line (e.g. the mode after `duplex`).
    pub fn key_after(&self, after: &str) -> Option<&'static str> {
        let pos = self.values.iter().position(|v| matches!(v, Value::Key(k) if *k == after))?;
        match self.values.get(pos + 1) {
            Some(Value::Key(k)) => Some(k),
            _ => None,
        }
    }
}

/// The trees, built once.
struct Trees {
    user: Tree,
    privileged: Tree,
    config: Tree,
    interface: Tree,
    line: Tree,
    router_ospf: Tree,
    router_ospf6: Tree,
    router_rip: Tree,
    vlan: Tree,
    dhcp_pool: Tree,
    dhcp6_pool: Tree,
    acl: Tree,
    acl6: Tree,
}

fn trees() -> &'static Trees {
    static TREES: OnceLock<Trees> = OnceLock::new();
    TREES.get_or_init(|| Trees {
        user: exec::tree(false),
        privileged: exec::tree(true),
        config: config::global(),
        interface: config::interface(),
        line: config::line(),
        router_ospf: routing::router_ospf(),
        router_ospf6: ospf6::router_ospf6(),
        router_rip: rip::router_rip(),
        vlan: switching::vlan_mode(),
        dhcp_pool: services::dhcp_pool(),
        dhcp6_pool: ipv6::dhcp_pool(),
        acl: acl::entries(),
        acl6: acl::ipv6_entries(),
    })
}

fn tree_for(mode: &Mode) -> &'static Tree {
    let t = trees();
    match mode {
        Mode::UserExec => &t.user,
        Mode::PrivExec => &t.privileged,
        Mode::Config => &t.config,
        Mode::Interface { .. } => &t.interface,
        Mode::Line { .. } => &t.line,
        Mode::RouterOspf { .. } => &t.router_ospf,
        Mode::Ipv6RouterOspf { .. } => &t.router_ospf6,
        Mode::RouterRip => &t.router_rip,
        Mode::Vlan { .. } => &t.vlan,
        Mode::DhcpPool { .. } => &t.dhcp_pool,
        Mode::Dhcp6Pool { .. } => &t.dhcp6_pool,
        Mode::Acl { kind: crate::proto::acl::AclKind::Ipv6, .. } => &t.acl6,
        Mode::Acl { .. } => &t.acl,
    }
}

fn is_exec(mode: &Mode) -> bool {
    matches!(mode, Mode::UserExec | Mode::PrivExec)
}

fn ios(dev: &mut Device) -> &mut Ios {
    match &mut dev.role {
        Role::Ios(i) => i,
        Role::Host(_) => unreachable!("dispatched on role"),
    }
}

/// Type one line at an IOS terminal.
pub fn type_line(dev: &mut Device, ctx: &mut Ctx, line: &str) -> Response {
    let line = line.trim_end_matches(['\r', '\n']);
    // With a remote login open, the line is the remote box's.
    if dev.remote().is_some() {
        let i = ios(dev);
        let owner = i.active;
        i.remote_line(ctx.now, owner, line);
        return Response::Accepted;
    }
    if let Some(q) = ios(dev).terminal.question.take() {
        return exec::answer(dev, ctx, q, line);
    }
    if ios(dev).terminal.banner_in_progress.is_some() {
        config::banner_line(dev, line);
        return Response::Accepted;
    }
    let prompt_len = dev.prompt().len();
    let trimmed = line.trim();
    if trimmed == "\u{1a}" || trimmed.eq_ignore_ascii_case("^z") {
        end_config(dev);
        return Response::Accepted;
    }
    if trimmed.is_empty() {
        return Response::Accepted;
    }
    let mode = ios(dev).terminal.mode.clone();
    if trimmed.starts_with('!') && !is_exec(&mode) {
        return Response::Accepted;
    }
    if let Some(before) = line.strip_suffix('?') {
        let text = help_text(dev.model, &mode, before, prompt_len);
        dev.console.push_str(&text);
        return Response::Accepted;
    }
    if is_exec(&mode) {
        let i = ios(dev);
        // The terminal's line says how much history it keeps (`history size`).
        let (kind, number) = match i.active {
            crate::device::TerminalId::Console => (crate::device::ios::LineKind::Console, 0),
            crate::device::TerminalId::Vty(n) => (crate::device::ios::LineKind::Vty, n),
        };
        let keep = i
            .system
            .lines
            .iter()
            .find(|l| l.kind == kind && (l.first..=l.last).contains(&number))
            .and_then(|l| l.history_size)
            .unwrap_or(10) as usize;
        i.terminal.history.push(trimmed.to_string());
        while i.terminal.history.len() > keep {
            i.terminal.history.remove(0);
        }
    }
    let response = run_line(dev, ctx, line, 0, prompt_len, &mode);
    // Keep the data plane and the routing protocols in step with what the command changed.
    if let Role::Ios(ios) = &mut dev.role {
        if ios.bridge.is_some() {
            ios.sync_bridge(&dev.ports);
        } else {
            ios.refresh_logical(&dev.ports);
        }
        ios.protocols_sync(ctx.now);
    }
    response
}

/// `end` and Ctrl-Z: back to privileged EXEC.
fn end_config(dev: &mut Device) {
    let i = ios(dev);
    if !is_exec(&i.terminal.mode) {
        i.terminal.mode = Mode::PrivExec;
        configured(dev);
    }
}

/// `%SYS-5-CONFIG_I`, which the console shows, naming where the
/// configuration came from (a vty session sees it only with `terminal
/// monitor`).
pub(super) fn configured(dev: &mut Device) {
    use crate::device::TerminalId;
    let i = ios(dev);
    match i.active {
        // Through the log, which monitoring vty sessions also get.
        TerminalId::Console => i.pending_log.push_str("\n%SYS-5-CONFIG_I: Configured from console by console\n"),
        TerminalId::Vty(line) => {
            let who = match i.vty_session(line) {
                Some(s) => match &s.user {
                    Some(u) => format!("{u} on vty{line} ({})", s.peer),
                    None => format!("vty{line} ({})", s.peer),
                },
                None => format!("vty{line}"),
            };
            i.pending_log.push_str(&format!("\n%SYS-5-CONFIG_I: Configured from console by {who}\n"));
        }
    }
}

/// Does the line start with a hidden global command (`version 15.4`)?
fn hidden_global(line: &str) -> bool {
    let Some(first) = tree::tokenize(line).first().map(|t| t.text.to_ascii_lowercase()) else { return false };
    tree_for(&Mode::Config)
        .iter()
        .any(|n| !n.visible && matches!(n.word, tree::Word::Key(k) if k.starts_with(first.as_str())))
}

/// `% Incomplete command.`
fn incomplete(dev: &mut Device) -> Response {
    dev.console.push_str("% Incomplete command.\n\n");
    Response::Rejected(Rejection::Incomplete)
}

fn run_line(dev: &mut Device, ctx: &mut Ctx, line: &str, offset: usize, prompt_len: usize, mode: &Mode) -> Response {
    let tokens = tree::tokenize(line);
    let Some(first) = tokens.first() else { return Response::Accepted };
    let first_lower = first.text.to_ascii_lowercase();
    let model = dev.model;

    if !is_exec(mode) {
        // `do` runs an EXEC command from any configuration mode.
        if "do".starts_with(&first_lower) && first_lower.len() >= 2 {
            let rest_start = tokens.get(1).map_or(line.len(), |t| t.start);
            if tokens.len() == 1 {
                return incomplete(dev);
            }
            return run_piped(dev, ctx, &line[rest_start..], offset + rest_start, prompt_len, &Mode::PrivExec);
        }
        let (negated, body_start) =
            if first_lower == "no" || (first_lower.len() >= 3 && "default".starts_with(&first_lower)) {
                (true, tokens.get(1).map_or(line.len(), |t| t.start))
            } else {
                (false, 0)
            };
        if negated && tokens.len() == 1 {
            return incomplete(dev);
        }
        let body = &line[body_start..];
        let parsed = tree::parse(tree_for(mode), body, negated, model);
        // A global command typed in a sub-mode leaves the sub-mode, as IOS
        // does (but not for the hidden lines kept only for loading saved
        // configurations: `version 3` under `router rip` is an error).
        let parsed = match (parsed, mode) {
            (Parsed::Invalid { at }, m) if *m != Mode::Config && !hidden_global(body) => {
                match tree::parse(tree_for(&Mode::Config), body, negated, model) {
                    p @ Parsed::Run { .. } => {
                        ios(dev).terminal.mode = Mode::Config;
                        p
                    }
                    _ => Parsed::Invalid { at },
                }
            }
            (p, _) => p,
        };
        return finish(dev, ctx, parsed, line, offset + body_start, prompt_len, negated);
    }
    run_piped(dev, ctx, line, offset, prompt_len, mode)
}

/// An EXEC line, with an optional output filter after `|`.
fn run_piped(dev: &mut Device, ctx: &mut Ctx, line: &str, offset: usize, prompt_len: usize, mode: &Mode) -> Response {
    let (cmd, filter) = match line.find('|') {
        Some(p) => (&line[..p], Some(&line[p + 1..])),
        None => (line, None),
    };
    let parsed = tree::parse(tree_for(mode), cmd, false, dev.model);
    if let Parsed::Invalid { at } = parsed {
        let tokens = tree::tokenize(cmd);
        // One word that is no command (`shw`): IOS takes it for a host name.
        let in_first_word = at >= tokens[0].start && at < tokens[0].start + tokens[0].text.len();
        if in_first_word && tokens.len() == 1 && filter.is_none() && offset == 0 {
            return unknown_host(dev, ctx, tokens[0].text);
        }
    }
    let (Some(filter), Parsed::Run { .. }) = (filter, &parsed) else {
        return finish(dev, ctx, parsed, line, offset, prompt_len, false);
    };
    let mark = dev.console.len();
    let response = finish(dev, ctx, parsed, cmd, offset, prompt_len, false);
    let produced = dev.console.split_off(mark);
    match super::filter_output(&produced, filter) {
        Ok(kept) => {
            dev.console.push_str(&kept);
            response
        }
        Err(()) => {
            let at = offset + line.find('|').map_or(0, |p| p + 1) + (filter.len() - filter.trim_start().len());
            invalid(dev, prompt_len + at)
        }
    }
}

/// IOS takes an unknown word at EXEC as a host to telnet to: it looks the
/// word up (the host table, then DNS: the wait after every typo unless `no
/// ip domain-lookup`), and tries a Telnet connection to what it finds.
fn unknown_host(dev: &mut Device, ctx: &mut Ctx, word: &str) -> Response {
    const UNKNOWN: &str = "% Unknown command or computer name, or unable to find computer address\n\n";
    let known = ios(dev).system.host_address(word);
    if let Some(a) = known {
        dev.console.push_str(&format!("Trying {word} ({a})... "));
        telnet_attempt(dev, ctx.now, a);
        return Response::Rejected(Rejection::UnknownCommand);
    }
    if !ios(dev).system.domain_lookup {
        dev.console.push_str(&format!("Translating \"{word}\"\n{UNKNOWN}"));
        return Response::Rejected(Rejection::UnknownCommand);
    }
    let server = ios(dev).name_server();
    dev.console.push_str(&format!("Translating \"{word}\"...domain server ({server})"));
    let name = word.to_string();
    let waiter: crate::device::LookupWaiter = Box::new(move |r, dev, now| match r {
        crate::proto::dns::Resolution::Found { addresses, .. } => {
            dev.console.push_str(&format!(" [OK]\nTrying {name} ({})... ", addresses[0]));
            telnet_attempt(dev, now, addresses[0]);
        }
        _ => dev.console.push_str(&format!("\n{UNKNOWN}")),
    });
    ios(dev).lookup(ctx.now, word, waiter);
    Response::Rejected(Rejection::UnknownCommand)
}

/// A word taken for a host name: a Telnet session to it.
fn telnet_attempt(dev: &mut Device, now: crate::sim::Time, addr: std::net::Ipv4Addr) {
    exec::open_remote(dev, now, addr.into(), crate::device::remote::Via::Telnet, false);
}

fn invalid(dev: &mut Device, column: usize) -> Response {
    dev.console.push_str(&caret(column));
    Response::Rejected(Rejection::Invalid { column })
}

fn finish(
    dev: &mut Device,
    ctx: &mut Ctx,
    parsed: Parsed<Handler>,
    line: &str,
    offset: usize,
    prompt_len: usize,
    negated: bool,
) -> Response {
    match parsed {
        Parsed::Run { handler, values, starts } => {
            let columns = starts.iter().map(|s| prompt_len + offset + s).collect();
            let mut cx = Cx { dev, now: ctx.now, out: ctx.out, negated, values, columns, response: Response::Accepted };
            handler(&mut cx);
            cx.response
        }
        Parsed::Invalid { at } => invalid(dev, prompt_len + offset + at),
        Parsed::Incomplete => incomplete(dev),
        Parsed::Ambiguous { upto } => {
            let typed = line[..upto].trim_start();
            dev.console.push_str(&format!("% Ambiguous command:  \"{typed}\"\n"));
            Response::Rejected(Rejection::Ambiguous)
        }
        Parsed::Empty => Response::Accepted,
    }
}

/// What `?` prints after `before` in `mode` on a device of `model`, with the
/// prompt `prompt_len` columns wide (for the caret of an error).
pub fn help_text(model: Model, mode: &Mode, before: &str, prompt_len: usize) -> String {
    let tokens = tree::tokenize(before);
    let (mut tree, mut negated, mut offset) = (tree_for(mode), false, 0);
    if let (false, Some(first)) = (is_exec(mode), tokens.first()) {
        let w = first.text.to_ascii_lowercase();
        let more = tokens.len() > 1 || before.ends_with(char::is_whitespace);
        if more && (w == "do" || w == "no") {
            offset = tokens.get(1).map_or(before.len(), |t| t.start);
            if w == "do" {
                tree = tree_for(&Mode::PrivExec);
            } else {
                negated = true;
            }
        }
    }
    // A `show` command may end with an output filter: IOS lists it first.
    let show = std::ptr::eq(tree, tree_for(&Mode::PrivExec)) || std::ptr::eq(tree, tree_for(&Mode::UserExec));
    let first = tree::tokenize(&before[offset..]).first().map(|t| t.text.to_ascii_lowercase());
    let piped = show && first.is_some_and(|w| w.len() >= 2 && "show".starts_with(&w));
    match tree::help_with(tree, &before[offset..], negated, model, piped) {
        Ok(mut help) if before.trim().is_empty() => {
            if !is_exec(mode) {
                help = add_prefix_words(help);
            }
            format!("{}\n{help}", mode_heading(mode))
        }
        Ok(help) => help,
        Err(_) if tokens.len() <= 1 && !before.ends_with(char::is_whitespace) => "% Unrecognized command\n".into(),
        Err(at) => caret(prompt_len + offset + at),
    }
    // The terminal then shows the prompt again with what was typed; that is
    // the front end's to draw (it owns the line being edited).
}

/// A configuration line in its canonical form: abbreviations expanded,
/// interface names in full, spacing normalised (`int g0/0/0` becomes
/// `interface GigabitEthernet0/0/0`). Lines no tree knows come back trimmed.
pub fn normalize(model: Model, line: &str) -> String {
    let t = trees();
    let trimmed = line.trim();
    let (negated, body) = match trimmed.split_once(char::is_whitespace) {
        Some((first, rest)) if first.eq_ignore_ascii_case("no") => (true, rest.trim()),
        _ => (false, trimmed),
    };
    for tree in [
        &t.config,
        &t.interface,
        &t.line,
        &t.router_ospf,
        &t.router_ospf6,
        &t.router_rip,
        &t.vlan,
        &t.dhcp_pool,
        &t.dhcp6_pool,
        &t.acl,
        &t.acl6,
        &t.privileged,
    ] {
        if let Parsed::Run { values, .. } = tree::parse(tree, body, negated, model) {
            let words: Vec<String> = values
                .iter()
                .map(|v| match v {
                    Value::Key(k) => k.to_string(),
                    Value::Ip(ip) => ip.to_string(),
                    Value::Num(n) => n.to_string(),
                    Value::Word(w) | Value::Rest(w) => w.clone(),
                    Value::Iface(i) => i.to_string(),
                    Value::Prefix(a, l) => format!("{a}/{l}"),
                })
                .collect();
            let joined = words.join(" ");
            return if negated { format!("no {joined}") } else { joined };
        }
    }
    trimmed.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tab completion in `mode` on a device of `model`.
pub fn complete_in(model: Model, mode: &Mode, line: &str) -> Option<String> {
    let tokens = tree::tokenize(line);
    if !is_exec(mode) {
        if let Some(first) = tokens.first() {
            let w = first.text.to_ascii_lowercase();
            if (w == "no" || w == "do") && tokens.len() > 1 {
                let start = tokens[1].start;
                let tree = if w == "do" { tree_for(&Mode::PrivExec) } else { tree_for(mode) };
                return tree::complete(tree, &line[start..], model).map(|c| format!("{}{c}", &line[..start]));
            }
        }
    }
    tree::complete(tree_for(mode), line, model)
}

pub(super) fn caret(column: usize) -> String {
    format!("{}^\n% Invalid input detected at '^' marker.\n\n", " ".repeat(column))
}

/// The heading IOS prints above the commands of a mode.
fn mode_heading(mode: &Mode) -> &'static str {
    match mode {
        Mode::UserExec | Mode::PrivExec => "Exec commands:",
        Mode::Config => "Configure commands:",
        Mode::Interface { .. } => "Interface configuration commands:",
        Mode::Line { .. } => "Line configuration commands:",
        Mode::RouterOspf { .. } | Mode::RouterRip | Mode::Ipv6RouterOspf { .. } => "Router configuration commands:",
        Mode::Vlan { .. } => "VLAN configuration commands:",
        Mode::DhcpPool { .. } => "DHCP pool configuration commands:",
        Mode::Dhcp6Pool { .. } => "IPv6 DHCP configuration commands:",
        Mode::Acl { kind: crate::proto::acl::AclKind::Standard, .. } => "Standard Access List configuration commands:",
        Mode::Acl { kind: crate::proto::acl::AclKind::Ipv6, .. } => "IPv6 Access List configuration commands:",
        Mode::Acl { .. } => "Extended Access List configuration commands:",
    }
}

/// `do`, `no` and `default` are listed by `?` in every configuration mode.
fn add_prefix_words(help: String) -> String {
    let mut lines: Vec<String> = help.lines().filter(|l| !l.is_empty()).map(str::to_string).collect();
    let width = lines.iter().filter_map(|l| l.trim_start().find(' ')).max().unwrap_or(10).max(10) + 2;
    for (w, h) in [
        ("default", "Set a command to its defaults"),
        ("do", "To run exec commands in config mode"),
        ("no", "Negate a command or set its defaults"),
    ] {
        lines.push(format!("  {w:<width$}{h}"));
    }
    lines.sort_by(|a, b| a.trim_start().cmp(b.trim_start()));
    let mut out = lines.join("\n");
    out.push_str("\n\n");
    out
}

/// Tab completion of the line typed so far.
pub fn complete(dev: &Device, line: &str) -> Option<String> {
    let Role::Ios(i) = &dev.role else { return None };
    complete_in(dev.model, &i.terminal.mode, line)
}
