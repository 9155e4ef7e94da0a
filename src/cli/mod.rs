//! The terminals: the IOS CLI (modes, command trees, show output,
//! running-config) and the Windows-style command prompt of hosts. Both are
//! driven one typed line at a time through [`type_line`], which answers in a
//! type ([`Response`]: accepted, or rejected and why) as well as in the text
//! the terminal prints. Everything above (scripts, the console, the app,
//! graders) types through [`Terminal`] on the network, so what a command makes
//! a device send goes on the wire.
//!
//! The CLI parses and renders; the devices hold the state and the rules
//! (which addresses an interface refuses, what a repeated route replaces)
//! and answer with typed errors the CLI words as IOS does. This floor uses
//! the network, devices, protocols and the fabric, never labs, grading or the
//! app.

pub mod clock;
pub mod host;
pub mod ios;
pub mod tree;

use crate::base::DeviceId;
use crate::device::{Ctx, Device, Role};
use crate::net::Network;
use crate::sim::Duration;

/// What typing a line came to, as the terminal showed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Response {
    /// The line was taken (it may have printed, asked a question or started a ping).
    Accepted,
    /// The line was refused; the terminal printed why.
    Rejected(Rejection),
}

/// Why a line was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// `% Invalid input detected at '^' marker.`, the caret under this terminal column.
    Invalid { column: usize },
    /// `% Incomplete command.`
    Incomplete,
    /// `% Ambiguous command: "..."`
    Ambiguous,
    /// The command parsed, and the device refused what it asked: `Bad mask`,
    /// `% 10.0.0.0 overlaps with ...`, `% Command rejected: ...`.
    Refused,
    /// An unknown command: IOS's `% Unknown command or computer name`, Windows's
    /// `'x' is not recognized as an internal or external command`.
    UnknownCommand,
    /// A host command with the wrong arguments (it printed its usage).
    Usage,
}

impl Response {
    pub fn is_rejected(&self) -> bool {
        matches!(self, Response::Rejected(_))
    }
}

/// How long a typed command may keep the terminal busy (a ping with a huge
/// repeat count is cut there, as a user would press Ctrl-Shift-6).
pub const COMMAND_BUDGET: Duration = Duration::from_secs(3600);

/// Typing at a device's terminal, for everything above the CLI (scripts, the
/// console, the app, graders): the line is parsed here, and the device acts
/// through the network so that what it sends goes on the wire.
pub trait Terminal {
    /// Type one line; the device's console gets what the terminal prints.
    fn type_line(&mut self, id: DeviceId, line: &str) -> Response;
    /// Type a line and, if it started a ping or traceroute, let simulated time
    /// run until it finishes; returns what the terminal printed.
    fn exec(&mut self, id: DeviceId, line: &str) -> String;
}

/// The CLI as devices run it for their vty sessions.
fn interpret(dev: &mut Device, ctx: &mut Ctx, line: &str) {
    type_line(dev, ctx, line);
}

impl Terminal for Network {
    fn type_line(&mut self, id: DeviceId, line: &str) -> Response {
        // Remote logins into any box of this network run this CLI.
        self.set_interpreter(interpret);
        self.act(id, |dev, ctx| {
            let response = type_line(dev, ctx, line);
            dev.flush(ctx);
            response
        })
    }

    fn exec(&mut self, id: DeviceId, line: &str) -> String {
        self.type_line(id, line);
        self.run_while_busy(id, COMMAND_BUDGET);
        self.take_console(id)
    }
}

/// The longest line a terminal takes (IOS cuts what is longer).
pub const MAX_LINE_BYTES: usize = 4096;

/// Type one line at a device's terminal; output goes to its console.
pub fn type_line(dev: &mut Device, ctx: &mut Ctx, line: &str) -> Response {
    // A line is never longer than a terminal buffer; longer input is cut, as IOS does.
    let line = cut(line, MAX_LINE_BYTES);
    match dev.role {
        Role::Host(_) => host::type_line(dev, ctx, line),
        Role::Ios(_) => ios::type_line(dev, ctx, line),
    }
}

/// Tab completion at a device's terminal.
pub fn complete(dev: &Device, line: &str) -> Option<String> {
    match &dev.role {
        Role::Host(_) => None,
        Role::Ios(_) => ios::complete(dev, line),
    }
}

fn cut(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Lines that pass an IOS output filter (`| include`, `| exclude`, `| begin`, `| section`).
pub fn filter_output(text: &str, filter: &str) -> Result<String, ()> {
    let filter = filter.trim();
    let (kind, pattern) = filter.split_once(char::is_whitespace).ok_or(())?;
    let pattern = pattern.trim();
    let kinds = ["include", "exclude", "begin", "section"];
    let matching: Vec<&str> = kinds.iter().copied().filter(|k| k.starts_with(&kind.to_ascii_lowercase())).collect();
    let [kind] = matching.as_slice() else { return Err(()) };
    let mut out = String::new();
    let mut lines = text.lines();
    match *kind {
        "include" => lines.filter(|l| l.contains(pattern)).for_each(|l| push_line(&mut out, l)),
        "exclude" => lines.filter(|l| !l.contains(pattern)).for_each(|l| push_line(&mut out, l)),
        "begin" => {
            if let Some(first) = lines.by_ref().find(|l| l.contains(pattern)) {
                push_line(&mut out, first);
                lines.for_each(|l| push_line(&mut out, l));
            }
        }
        _ => {
            // A section is a top-level line that matches, with its indented children.
            let mut inside = false;
            for l in lines {
                let top = !l.starts_with(' ');
                if top {
                    inside = l.contains(pattern);
                }
                if inside || (!top && l.contains(pattern)) {
                    push_line(&mut out, l);
                }
            }
        }
    }
    Ok(out)
}

fn push_line(out: &mut String, l: &str) {
    out.push_str(l);
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let text =
            "hostname R1\ninterface G0\n ip address 1.1.1.1 255.0.0.0\n shutdown\ninterface G1\n no ip address\nend\n";
        assert_eq!(filter_output(text, "include address").unwrap(), " ip address 1.1.1.1 255.0.0.0\n no ip address\n");
        assert_eq!(filter_output(text, "i shut").unwrap(), " shutdown\n");
        assert_eq!(filter_output(text, "exclude address").unwrap().lines().count(), 5);
        assert_eq!(filter_output(text, "begin G1").unwrap(), "interface G1\n no ip address\nend\n");
        assert_eq!(
            filter_output(text, "section G0").unwrap(),
            "interface G0\n ip address 1.1.1.1 255.0.0.0\n shutdown\n"
        );
        assert!(filter_output(text, "frobnicate x").is_err());
        assert!(cut("héllo", 2).len() <= 2);
    }
}
